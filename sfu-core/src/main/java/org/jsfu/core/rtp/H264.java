package org.jsfu.core.rtp;

/** H.264 RTP payload inspection (RFC 6184 section 5): whether a packet starts a key frame. */
public final class H264 {
    public static final int NAL_IDR = 5;
    public static final int NAL_SPS = 7;
    public static final int STAP_A = 24;
    public static final int FU_A = 28;

    private H264() {
    }

    /**
     * True when the payload is, or carries, an IDR slice (NAL 5) or a sequence parameter set (NAL 7, sent
     * just before an IDR): as a single NAL unit (5.6), inside a STAP-A (5.7.1), or as the start fragment
     * of an FU-A (5.8). Malformed aggregates are read only as far as they are valid.
     */
    public static boolean isKeyframe(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1f;
        if (type == NAL_IDR || type == NAL_SPS) {
            return true;
        }
        if (type == STAP_A) {
            int p = off + 1;
            int end = off + len;
            while (p + 2 < end) {
                int size = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
                p += 2;
                if (size == 0 || p + size > end) {
                    return false;
                }
                int t = b[p] & 0x1f;
                if (t == NAL_IDR || t == NAL_SPS) {
                    return true;
                }
                p += size;
            }
            return false;
        }
        if (type == FU_A) {
            if (len < 2) {
                return false;
            }
            int fu = b[off + 1] & 0xff;
            int t = fu & 0x1f;
            return (fu & 0x80) != 0 && (t == NAL_IDR || t == NAL_SPS);
        }
        return false;
    }
}
