package org.jsfu.core.room;

/**
 * One simulcast layer of a video track (livekit.VideoLayer), as the publisher announced it in
 * AddTrackRequest. {@code quality}: 0 LOW, 1 MEDIUM, 2 HIGH; {@code bitrate} in bps; {@code ssrc} 0 when
 * unknown; {@code rid} "" when not given.
 */
public record VideoLayer(int quality, int width, int height, int bitrate, long ssrc, int spatialLayer, String rid) {
    public VideoLayer {
        rid = rid == null ? "" : rid;
    }

    public VideoLayer withSsrc(long newSsrc) {
        return new VideoLayer(quality, width, height, bitrate, newSsrc, spatialLayer, rid);
    }
}
