package org.jsfu.core.room;

/**
 * A published or pending track (livekit.TrackInfo). Immutable; changes produce a new value.
 * {@code cid} is the client's MediaStreamTrack id from AddTrackRequest (the second msid token).
 */
public record TrackInfo(String sid, String cid, TrackType type, String name, boolean muted, int width,
                        int height, TrackSource source, String mimeType, String mid, boolean simulcast,
                        boolean disableDtx, boolean stereo, boolean disableRed, String stream,
                        int encryption, long version) {
    public TrackInfo withMuted(boolean m, long v) {
        return new TrackInfo(sid, cid, type, name, m, width, height, source, mimeType, mid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v);
    }

    public TrackInfo published(String newMid, String newMime, long v) {
        return new TrackInfo(sid, cid, type, name, muted, width, height, source,
                newMime == null ? mimeType : newMime, newMid == null ? mid : newMid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v);
    }
}
