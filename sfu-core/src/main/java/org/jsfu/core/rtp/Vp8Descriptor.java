package org.jsfu.core.rtp;

/**
 * VP8 RTP payload descriptor (RFC 7741 section 4.2), parsed into this reusable object, plus key frame
 * detection from the VP8 payload header (section 4.3: first partition, P bit 0 = key frame).
 */
public final class Vp8Descriptor {
    /** Bytes of descriptor before the VP8 payload. */
    public int headerLength;
    /** S: start of a VP8 partition. */
    public boolean start;
    public int partitionId;
    /** N: non-reference frame. */
    public boolean nonReference;
    /** 7- or 15-bit picture ID, or -1. */
    public int pictureId;
    public boolean pictureId15Bit;
    /** TL0PICIDX, or -1. */
    public int tl0PicIdx;
    /** Temporal layer index, or -1. */
    public int tid;
    public boolean layerSync;
    /** KEYIDX, or -1. */
    public int keyIdx;
    /** First packet of a key frame. */
    public boolean keyframe;
    /** Offsets from the payload start of the picture ID, TL0PICIDX and TID|Y|KEYIDX bytes, or -1. */
    public int pictureIdAt;
    public int tl0PicIdxAt;
    public int tidKeyIdxAt;

    /** Parses {@code b[off, off+len)} (an RTP payload). Returns false when truncated. */
    public boolean parse(byte[] b, int off, int len) {
        pictureId = -1;
        tl0PicIdx = -1;
        tid = -1;
        keyIdx = -1;
        pictureId15Bit = false;
        layerSync = false;
        keyframe = false;
        pictureIdAt = -1;
        tl0PicIdxAt = -1;
        tidKeyIdxAt = -1;
        if (len < 1) {
            return false;
        }
        int p = off;
        int end = off + len;
        int b0 = b[p++] & 0xff;
        nonReference = (b0 & 0x20) != 0;
        start = (b0 & 0x10) != 0;
        partitionId = b0 & 0x07;
        if ((b0 & 0x80) != 0) {
            if (p >= end) {
                return false;
            }
            int x = b[p++] & 0xff;
            boolean i = (x & 0x80) != 0;
            boolean l = (x & 0x40) != 0;
            boolean t = (x & 0x20) != 0;
            boolean k = (x & 0x10) != 0;
            if (i) {
                if (p >= end) {
                    return false;
                }
                int m = b[p] & 0xff;
                pictureIdAt = p - off;
                if ((m & 0x80) != 0) {
                    if (p + 2 > end) {
                        return false;
                    }
                    pictureId = ((m & 0x7f) << 8) | (b[p + 1] & 0xff);
                    pictureId15Bit = true;
                    p += 2;
                } else {
                    pictureId = m;
                    p++;
                }
            }
            if (l) {
                if (p >= end) {
                    return false;
                }
                tl0PicIdxAt = p - off;
                tl0PicIdx = b[p++] & 0xff;
            }
            if (t || k) {
                if (p >= end) {
                    return false;
                }
                tidKeyIdxAt = p - off;
                int tk = b[p++] & 0xff;
                if (t) {
                    tid = tk >> 6;
                    layerSync = (tk & 0x20) != 0;
                }
                if (k) {
                    keyIdx = tk & 0x1f;
                }
            }
        }
        headerLength = p - off;
        // RFC 7741 4.3: the payload header starts the first partition; P (bit 0) is 0 for key frames.
        keyframe = start && partitionId == 0 && p < end && (b[p] & 0x01) == 0;
        return true;
    }

    /** Convenience: whether this payload starts a VP8 key frame. */
    public static boolean isKeyframe(byte[] b, int off, int len, Vp8Descriptor scratch) {
        return scratch.parse(b, off, len) && scratch.keyframe;
    }
}
