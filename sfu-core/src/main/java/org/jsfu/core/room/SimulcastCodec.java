package org.jsfu.core.room;

import java.util.List;

/**
 * One entry of AddTrackRequest.simulcast_codecs: a codec the client wants to publish the track with
 * ({@code codec} as the client names it, e.g. "vp9" or "video/VP8"), the client track id that sends it
 * ("" for a backup codec not yet published), its own layers (often empty: the request's layers apply)
 * and livekit.VideoLayer.Mode (0 = unset).
 */
public record SimulcastCodec(String codec, String cid, List<VideoLayer> layers, int videoLayerMode) {
    public SimulcastCodec {
        codec = codec == null ? "" : codec;
        cid = cid == null ? "" : cid;
        layers = List.copyOf(layers);
    }
}
