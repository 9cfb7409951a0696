package org.jsfu.core.room;

/** Track kind; ordinals match livekit.TrackType (AUDIO=0, VIDEO=1, DATA=2). */
public enum TrackType { AUDIO, VIDEO, DATA }
