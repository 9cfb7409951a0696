package org.jsfu.core.room;

/**
 * A client's AddTrackRequest (the fields the room uses). {@code videoCodec} is the codec the client
 * asked to publish (the first SimulcastCodec.codec, e.g. "h264"), or "" when it named none; {@code layers}
 * the simulcast layers it declared (AddTrackRequest.layers), possibly none.
 */
public record AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                       boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                       boolean disableRed, String stream, int encryption, String videoCodec,
                       java.util.List<VideoLayer> layers) {
    public AddTrack {
        videoCodec = videoCodec == null ? "" : videoCodec;
        layers = layers == null ? java.util.List.of() : java.util.List.copyOf(layers);
    }

    /** A request that declares no layers. */
    public AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                    boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                    boolean disableRed, String stream, int encryption, String videoCodec) {
        this(cid, name, type, width, height, muted, disableDtx, source, simulcast, stereo, disableRed, stream,
                encryption, videoCodec, java.util.List.of());
    }

    /** A request that names no video codec. */
    public AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                    boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                    boolean disableRed, String stream, int encryption) {
        this(cid, name, type, width, height, muted, disableDtx, source, simulcast, stereo, disableRed, stream,
                encryption, "");
    }
}
