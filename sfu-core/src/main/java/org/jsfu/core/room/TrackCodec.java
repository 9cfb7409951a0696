package org.jsfu.core.room;

import java.util.List;

/**
 * One codec of a track (livekit.SimulcastCodecInfo): the MIME type the server accepts for it (e.g.
 * "video/VP8"; "" for a track whose request named no codec, until it is negotiated), the mid once its
 * media is negotiated, the client track id, its simulcast layers sorted by quality, and
 * livekit.VideoLayer.Mode (1 = one spatial layer per stream, 2 = SVC).
 */
public record TrackCodec(String mimeType, String mid, String cid, List<VideoLayer> layers, int videoLayerMode) {
    public static final int ONE_SPATIAL_LAYER_PER_STREAM = 1;
    public static final int MULTIPLE_SPATIAL_LAYERS_PER_STREAM = 2;

    public TrackCodec {
        mimeType = mimeType == null ? "" : mimeType;
        mid = mid == null ? "" : mid;
        cid = cid == null ? "" : cid;
        layers = List.copyOf(layers);
    }

    TrackCodec withLayers(List<VideoLayer> newLayers) {
        return new TrackCodec(mimeType, mid, cid, newLayers, videoLayerMode);
    }

    TrackCodec negotiated(String newMime, String newMid) {
        return new TrackCodec(newMime, newMid, cid, layers, videoLayerMode);
    }
}
