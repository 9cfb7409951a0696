package org.jsfu.core.room;

/**
 * A client's AddTrackRequest (the fields the room uses). {@code videoCodec} is the codec the client
 * asked to publish (the first SimulcastCodec.codec, e.g. "h264"), or "" when it named none.
 */
public record AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                       boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                       boolean disableRed, String stream, int encryption, String videoCodec) {
    public AddTrack {
        videoCodec = videoCodec == null ? "" : videoCodec;
    }

    /** A request that names no video codec. */
    public AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                    boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                    boolean disableRed, String stream, int encryption) {
        this(cid, name, type, width, height, muted, disableDtx, source, simulcast, stereo, disableRed, stream,
                encryption, "");
    }
}
