package org.jsfu.core.room;

/** Track source; ordinals match livekit.TrackSource (UNKNOWN=0 .. SCREEN_SHARE_AUDIO=4). */
public enum TrackSource {
    UNKNOWN, CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO;

    /** The token spelling used in canPublishSources ("camera", "screen_share", ...). */
    public String grantName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
