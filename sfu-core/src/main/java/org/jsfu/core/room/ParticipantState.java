package org.jsfu.core.room;

/** Ordinals match livekit.ParticipantInfo.State (JOINING=0, JOINED=1, ACTIVE=2, DISCONNECTED=3). */
public enum ParticipantState { JOINING, JOINED, ACTIVE, DISCONNECTED }
