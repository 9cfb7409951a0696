package org.jsfu.core.room;

import java.util.List;

/**
 * A published or pending track (livekit.TrackInfo). Immutable; changes produce a new value.
 * {@code cid} is the client's MediaStreamTrack id from AddTrackRequest (the second msid token);
 * {@code layers} the simulcast layers the publisher declared (AddTrackRequest.layers).
 */
public record TrackInfo(String sid, String cid, TrackType type, String name, boolean muted, int width,
                        int height, TrackSource source, String mimeType, String mid, boolean simulcast,
                        boolean disableDtx, boolean stereo, boolean disableRed, String stream,
                        int encryption, long version, List<VideoLayer> layers) {
    public TrackInfo {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /** A track without declared layers. */
    public TrackInfo(String sid, String cid, TrackType type, String name, boolean muted, int width,
                     int height, TrackSource source, String mimeType, String mid, boolean simulcast,
                     boolean disableDtx, boolean stereo, boolean disableRed, String stream,
                     int encryption, long version) {
        this(sid, cid, type, name, muted, width, height, source, mimeType, mid, simulcast, disableDtx, stereo,
                disableRed, stream, encryption, version, List.of());
    }

    public TrackInfo withMuted(boolean m, long v) {
        return new TrackInfo(sid, cid, type, name, m, width, height, source, mimeType, mid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v, layers);
    }

    public TrackInfo published(String newMid, String newMime, long v) {
        return new TrackInfo(sid, cid, type, name, muted, width, height, source,
                newMime == null ? mimeType : newMime, newMid == null ? mid : newMid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v, layers);
    }
}
