package org.jsfu.core.room;

/** A client's AddTrackRequest (the fields the room uses). */
public record AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                       boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                       boolean disableRed, String stream, int encryption) {
}
