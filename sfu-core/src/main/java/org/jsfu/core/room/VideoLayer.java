package org.jsfu.core.room;

/**
 * One simulcast layer of a video track (livekit.VideoLayer), as the publisher announced it in
 * AddTrackRequest. {@code quality}: 0 LOW, 1 MEDIUM, 2 HIGH; {@code bitrate} in bps; {@code ssrc} and
 * {@code repairSsrc} (its RTX stream, RFC 4588) 0 when unknown (the server learns them from the media);
 * {@code rid} "" when not given.
 */
public record VideoLayer(int quality, int width, int height, int bitrate, long ssrc, int spatialLayer, String rid,
                         long repairSsrc) {
    public VideoLayer {
        rid = rid == null ? "" : rid;
    }

    /** A layer whose repair SSRC is not known. */
    public VideoLayer(int quality, int width, int height, int bitrate, long ssrc, int spatialLayer, String rid) {
        this(quality, width, height, bitrate, ssrc, spatialLayer, rid, 0);
    }

    public VideoLayer withSsrc(long newSsrc) {
        return new VideoLayer(quality, width, height, bitrate, newSsrc, spatialLayer, rid, repairSsrc);
    }

    public VideoLayer withRepairSsrc(long newRepairSsrc) {
        return new VideoLayer(quality, width, height, bitrate, ssrc, spatialLayer, rid, newRepairSsrc);
    }
}
