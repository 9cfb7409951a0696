package org.jsfu.core.rtcp;

/** BYE (RFC 3550 section 6.6). */
public final class Bye {
    private Bye() {
    }

    /** Number of SSRCs, or -1 when they do not fit in {@code len}. */
    public static int ssrcCount(byte[] b, int off, int len) {
        if (len < 4 || Rtcp.packetType(b, off) != Rtcp.BYE) {
            return -1;
        }
        int sc = Rtcp.count(b, off);
        return 4 + 4 * sc <= len ? sc : -1;
    }

    public static int ssrc(byte[] b, int off, int i) {
        return Rtcp.readInt(b, off + 4 + 4 * i);
    }

    /** Writes a BYE for {@code n} SSRCs (n <= 31) without a reason; returns its length. */
    public static int write(byte[] b, int off, int[] ssrcs, int n) {
        int len = 4 + 4 * n;
        Rtcp.writeHeader(b, off, n, Rtcp.BYE, len);
        for (int i = 0; i < n; i++) {
            Rtcp.writeInt(b, off + 4 + 4 * i, ssrcs[i]);
        }
        return len;
    }
}
