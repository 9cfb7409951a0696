package org.jsfu.core.room;

import java.util.List;

/**
 * A client's AddTrackRequest (the fields the room uses). {@code videoCodec} is the codec the client
 * asked to publish (the first SimulcastCodec.codec, e.g. "h264"), or "" when it named none.
 * {@code simulcastCodecs} are all requested codecs (a backup codec, livekit-client's backupCodec, follows
 * the primary), {@code layers} the request's simulcast layers, {@code audioFeatures} the
 * livekit.AudioTrackFeature numbers as sent, {@code backupCodecPolicy} livekit.BackupCodecPolicy
 * (0 PREFER_REGRESSION, 1 SIMULCAST, 2 REGRESSION).
 */
public record AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                       boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                       boolean disableRed, String stream, int encryption, String videoCodec,
                       List<SimulcastCodec> simulcastCodecs, List<VideoLayer> layers, List<Integer> audioFeatures,
                       int backupCodecPolicy) {
    public AddTrack {
        videoCodec = videoCodec == null ? "" : videoCodec;
        simulcastCodecs = List.copyOf(simulcastCodecs);
        layers = List.copyOf(layers);
        audioFeatures = List.copyOf(audioFeatures);
    }

    /** A request with one requested codec ({@code videoCodec}, sent by track {@code cid}) and no layers. */
    public AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                    boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                    boolean disableRed, String stream, int encryption, String videoCodec) {
        this(cid, name, type, width, height, muted, disableDtx, source, simulcast, stereo, disableRed, stream,
                encryption, videoCodec,
                videoCodec == null || videoCodec.isEmpty() ? List.of() : List.of(new SimulcastCodec(videoCodec, cid, List.of(), 0)),
                List.of(), List.of(), 0);
    }

    /** A request that names no video codec. */
    public AddTrack(String cid, String name, TrackType type, int width, int height, boolean muted,
                    boolean disableDtx, TrackSource source, boolean simulcast, boolean stereo,
                    boolean disableRed, String stream, int encryption) {
        this(cid, name, type, width, height, muted, disableDtx, source, simulcast, stereo, disableRed, stream,
                encryption, "");
    }
}
