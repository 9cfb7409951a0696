package org.jsfu.core.rtcp;

/**
 * Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 section 2.2): PSFB, FMT 15, media
 * SSRC 0, then "REMB", number of SSRCs (8 bits), BR Exp (6 bits), BR Mantissa (18 bits), and the SSRCs.
 */
public final class Remb {
    private Remb() {
    }

    public static boolean isRemb(byte[] b, int off, int len) {
        if (len < Rtcp.FB_HEADER + 8 || Rtcp.packetType(b, off) != Rtcp.PSFB || Rtcp.count(b, off) != Rtcp.FMT_AFB) {
            return false;
        }
        int p = off + Rtcp.FB_HEADER;
        if (b[p] != 'R' || b[p + 1] != 'E' || b[p + 2] != 'M' || b[p + 3] != 'B') {
            return false;
        }
        int n = b[p + 4] & 0xff;
        return Rtcp.FB_HEADER + 8 + 4 * n <= len;
    }

    /** Bitrate in bits per second, or -1 when not a valid REMB. */
    public static long bitrate(byte[] b, int off, int len) {
        if (!isRemb(b, off, len)) {
            return -1;
        }
        int p = off + Rtcp.FB_HEADER + 5;
        int exp = (b[p] & 0xff) >> 2;
        long mantissa = ((long) (b[p] & 0x03) << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
        return exp > 46 ? Long.MAX_VALUE : mantissa << exp;
    }

    public static int ssrcCount(byte[] b, int off) {
        return b[off + Rtcp.FB_HEADER + 4] & 0xff;
    }

    public static int ssrc(byte[] b, int off, int i) {
        return Rtcp.readInt(b, off + Rtcp.FB_HEADER + 8 + 4 * i);
    }

    /** Writes a REMB; the bitrate is rounded down to what 18-bit mantissa and exponent express. */
    public static int write(byte[] b, int off, int senderSsrc, long bitrate, int[] ssrcs, int n) {
        if (bitrate < 0 || n > 255) {
            throw new IllegalArgumentException("bitrate >= 0, at most 255 SSRCs");
        }
        long mantissa = bitrate;
        int exp = 0;
        while (mantissa > 0x3ffff) {
            mantissa >>= 1;
            exp++;
        }
        int len = Rtcp.FB_HEADER + 8 + 4 * n;
        Rtcp.writeHeader(b, off, Rtcp.FMT_AFB, Rtcp.PSFB, len);
        Rtcp.writeInt(b, off + 4, senderSsrc);
        Rtcp.writeInt(b, off + 8, 0);
        int p = off + Rtcp.FB_HEADER;
        b[p] = 'R';
        b[p + 1] = 'E';
        b[p + 2] = 'M';
        b[p + 3] = 'B';
        b[p + 4] = (byte) n;
        b[p + 5] = (byte) ((exp << 2) | (int) (mantissa >> 16));
        b[p + 6] = (byte) (mantissa >> 8);
        b[p + 7] = (byte) mantissa;
        for (int i = 0; i < n; i++) {
            Rtcp.writeInt(b, p + 8 + 4 * i, ssrcs[i]);
        }
        return len;
    }
}
