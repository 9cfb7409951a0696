package org.jsfu.core.rtcp;

/** RTCP constants and the common header (RFC 3550 section 6.4.1; RFC 4585 section 6.1). */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** RFC 4585 6.1: transport layer feedback. */
    public static final int RTPFB = 205;
    /** RFC 4585 6.1: payload-specific feedback. */
    public static final int PSFB = 206;

    /** RTPFB FMT: generic NACK (RFC 4585 6.2.1). */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT: transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc). */
    public static final int FMT_TWCC = 15;
    /** PSFB FMT: picture loss indication (RFC 4585 6.3.1). */
    public static final int FMT_PLI = 1;
    /** PSFB FMT: full intra request (RFC 5104 4.3.1). */
    public static final int FMT_FIR = 4;
    /** PSFB FMT: application layer feedback, used by REMB. */
    public static final int FMT_AFB = 15;

    /** Feedback header: common header + sender SSRC + media SSRC (RFC 4585 6.1). */
    public static final int FB_HEADER = 12;

    private Rtcp() {
    }

    /** Writes V=2, P=0, count/FMT, PT and the length field for a packet of {@code lengthBytes}. */
    public static void writeHeader(byte[] b, int off, int count, int pt, int lengthBytes) {
        b[off] = (byte) (0x80 | (count & 0x1f));
        b[off + 1] = (byte) pt;
        int words = lengthBytes / 4 - 1;
        b[off + 2] = (byte) (words >> 8);
        b[off + 3] = (byte) words;
    }

    public static int count(byte[] b, int off) {
        return b[off] & 0x1f;
    }

    public static int packetType(byte[] b, int off) {
        return b[off + 1] & 0xff;
    }

    /** Sender SSRC of SR, RR, and feedback packets (word 1). */
    public static int senderSsrc(byte[] b, int off) {
        return readInt(b, off + 4);
    }

    /** Media source SSRC of a feedback packet (word 2). */
    public static int mediaSsrc(byte[] b, int off) {
        return readInt(b, off + 8);
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long readU32(byte[] b, int off) {
        return readInt(b, off) & 0xffffffffL;
    }

    static int readU16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static void writeInt(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }

    static void writeU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }
}
