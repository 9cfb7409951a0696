package org.jsfu.core.rtcp;

/**
 * Full Intra Request (RFC 5104 section 4.3.1): PSFB, FMT 4, media SSRC 0, one FCI entry per target:
 * SSRC, command sequence number (incremented by the sender for each new request to that target), and
 * 24 reserved bits.
 */
public final class Fir {
    public static final int ENTRY = 8;

    private Fir() {
    }

    public static boolean isFir(byte[] b, int off, int len) {
        return len >= Rtcp.FB_HEADER + ENTRY && Rtcp.packetType(b, off) == Rtcp.PSFB
                && Rtcp.count(b, off) == Rtcp.FMT_FIR;
    }

    /** Number of complete FCI entries (0 when not a FIR). */
    public static int entryCount(byte[] b, int off, int len) {
        return isFir(b, off, len) ? (len - Rtcp.FB_HEADER) / ENTRY : 0;
    }

    public static int entrySsrc(byte[] b, int off, int i) {
        return Rtcp.readInt(b, off + Rtcp.FB_HEADER + i * ENTRY);
    }

    public static int entrySeqNr(byte[] b, int off, int i) {
        return b[off + Rtcp.FB_HEADER + i * ENTRY + 4] & 0xff;
    }

    /** A FIR for one target; returns its length. */
    public static int write(byte[] b, int off, int senderSsrc, int targetSsrc, int seqNr) {
        int len = Rtcp.FB_HEADER + ENTRY;
        writeHead(b, off, senderSsrc, len);
        writeEntry(b, off + Rtcp.FB_HEADER, targetSsrc, seqNr);
        return len;
    }

    /** A FIR with {@code n} targets, each with its own command sequence number; returns the length. */
    public static int write(byte[] b, int off, int senderSsrc, int[] targets, int[] seqNrs, int n) {
        int len = Rtcp.FB_HEADER + n * ENTRY;
        writeHead(b, off, senderSsrc, len);
        for (int i = 0; i < n; i++) {
            writeEntry(b, off + Rtcp.FB_HEADER + i * ENTRY, targets[i], seqNrs[i]);
        }
        return len;
    }

    private static void writeHead(byte[] b, int off, int senderSsrc, int len) {
        Rtcp.writeHeader(b, off, Rtcp.FMT_FIR, Rtcp.PSFB, len);
        Rtcp.writeInt(b, off + 4, senderSsrc);
        Rtcp.writeInt(b, off + 8, 0); // RFC 5104 4.3.1.2: media source SSRC SHALL be 0
    }

    private static void writeEntry(byte[] b, int p, int target, int seqNr) {
        Rtcp.writeInt(b, p, target);
        Rtcp.writeInt(b, p + 4, (long) (seqNr & 0xff) << 24);
    }
}
