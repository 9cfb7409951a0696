package org.jsfu.core.rtcp;

/** SR: sender report (RFC 3550 section 6.4.1). Accessors take the packet's offset. */
public final class SenderReport {
    /** Header + sender SSRC + sender info. */
    public static final int BASE = 28;

    private SenderReport() {
    }

    /** Valid when PT is SR and RC blocks fit in {@code len}. */
    public static boolean isValid(byte[] b, int off, int len) {
        return len >= BASE && Rtcp.packetType(b, off) == Rtcp.SR
                && BASE + Rtcp.count(b, off) * ReportBlock.SIZE <= len;
    }

    public static int ssrc(byte[] b, int off) {
        return Rtcp.readInt(b, off + 4);
    }

    public static long ntp(byte[] b, int off) {
        return (Rtcp.readU32(b, off + 8) << 32) | Rtcp.readU32(b, off + 12);
    }

    public static long rtpTimestamp(byte[] b, int off) {
        return Rtcp.readU32(b, off + 16);
    }

    public static long packetCount(byte[] b, int off) {
        return Rtcp.readU32(b, off + 20);
    }

    public static long octetCount(byte[] b, int off) {
        return Rtcp.readU32(b, off + 24);
    }

    public static int reportCount(byte[] b, int off) {
        return Rtcp.count(b, off);
    }

    public static void readBlock(byte[] b, int off, int i, ReportBlock into) {
        into.read(b, off + BASE + i * ReportBlock.SIZE);
    }

    /** Writes an SR with {@code n} report blocks (n <= 31); returns its length. */
    public static int write(byte[] b, int off, int ssrc, long ntp, long rtpTs, long packets, long octets,
                            ReportBlock[] blocks, int n) {
        int len = BASE + n * ReportBlock.SIZE;
        Rtcp.writeHeader(b, off, n, Rtcp.SR, len);
        Rtcp.writeInt(b, off + 4, ssrc);
        Rtcp.writeInt(b, off + 8, ntp >>> 32);
        Rtcp.writeInt(b, off + 12, ntp);
        Rtcp.writeInt(b, off + 16, rtpTs);
        Rtcp.writeInt(b, off + 20, packets);
        Rtcp.writeInt(b, off + 24, octets);
        for (int i = 0; i < n; i++) {
            blocks[i].write(b, off + BASE + i * ReportBlock.SIZE);
        }
        return len;
    }
}
