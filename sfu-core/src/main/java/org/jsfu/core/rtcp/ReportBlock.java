package org.jsfu.core.rtcp;

/** One reception report block (RFC 3550 section 6.4.1), 24 bytes. Mutable and reusable. */
public final class ReportBlock {
    public static final int SIZE = 24;

    public int ssrc;
    /** Fraction lost since the previous report, in 1/256 (0..255). */
    public int fractionLost;
    /** Cumulative packets lost, signed 24-bit. */
    public int cumulativeLost;
    /** Extended highest sequence number received (cycles << 16 | max seq), unsigned 32-bit. */
    public long extHighestSeq;
    /** Interarrival jitter in timestamp units, unsigned 32-bit. */
    public long jitter;
    /** Middle 32 bits of the NTP timestamp of the last SR received, or 0. */
    public long lsr;
    /** Delay since that SR in 1/65536 s, or 0. */
    public long dlsr;

    public void read(byte[] b, int off) {
        ssrc = Rtcp.readInt(b, off);
        fractionLost = b[off + 4] & 0xff;
        int lost = ((b[off + 5] & 0xff) << 16) | ((b[off + 6] & 0xff) << 8) | (b[off + 7] & 0xff);
        cumulativeLost = (lost << 8) >> 8;
        extHighestSeq = Rtcp.readU32(b, off + 8);
        jitter = Rtcp.readU32(b, off + 12);
        lsr = Rtcp.readU32(b, off + 16);
        dlsr = Rtcp.readU32(b, off + 20);
    }

    public void write(byte[] b, int off) {
        Rtcp.writeInt(b, off, ssrc);
        b[off + 4] = (byte) fractionLost;
        int lost = Math.max(-0x800000, Math.min(0x7fffff, cumulativeLost));
        b[off + 5] = (byte) (lost >> 16);
        b[off + 6] = (byte) (lost >> 8);
        b[off + 7] = (byte) lost;
        Rtcp.writeInt(b, off + 8, extHighestSeq);
        Rtcp.writeInt(b, off + 12, jitter);
        Rtcp.writeInt(b, off + 16, lsr);
        Rtcp.writeInt(b, off + 20, dlsr);
    }
}
