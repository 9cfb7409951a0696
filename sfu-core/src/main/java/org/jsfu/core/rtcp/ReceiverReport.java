package org.jsfu.core.rtcp;

/** RR: receiver report (RFC 3550 section 6.4.2). */
public final class ReceiverReport {
    public static final int BASE = 8;

    private ReceiverReport() {
    }

    public static boolean isValid(byte[] b, int off, int len) {
        return len >= BASE && Rtcp.packetType(b, off) == Rtcp.RR
                && BASE + Rtcp.count(b, off) * ReportBlock.SIZE <= len;
    }

    public static int ssrc(byte[] b, int off) {
        return Rtcp.readInt(b, off + 4);
    }

    public static int reportCount(byte[] b, int off) {
        return Rtcp.count(b, off);
    }

    public static void readBlock(byte[] b, int off, int i, ReportBlock into) {
        into.read(b, off + BASE + i * ReportBlock.SIZE);
    }

    /** Writes an RR with {@code n} blocks (n <= 31); returns its length. */
    public static int write(byte[] b, int off, int ssrc, ReportBlock[] blocks, int n) {
        return write(b, off, ssrc, blocks, 0, n);
    }

    /** Writes an RR with the {@code n} blocks from {@code blocks[first]} (n <= 31); returns its length. */
    public static int write(byte[] b, int off, int ssrc, ReportBlock[] blocks, int first, int n) {
        if (n > 31) {
            throw new IllegalArgumentException("an RR holds at most 31 report blocks: " + n);
        }
        int len = BASE + n * ReportBlock.SIZE;
        Rtcp.writeHeader(b, off, n, Rtcp.RR, len);
        Rtcp.writeInt(b, off + 4, ssrc);
        for (int i = 0; i < n; i++) {
            blocks[first + i].write(b, off + BASE + i * ReportBlock.SIZE);
        }
        return len;
    }
}
