package org.jsfu.core.rtp;

/**
 * Static accessors for the fixed RTP header (RFC 3550 section 5.1) at {@code off} in {@code b}.
 * No bounds checks beyond the JVM's: validate first with {@link RtpPacket#wrap}.
 */
public final class RtpHeader {
    /** Fixed header: V,P,X,CC,M,PT,seq,ts,ssrc. */
    public static final int FIXED_LENGTH = 12;

    private RtpHeader() {
    }

    public static int version(byte[] b, int off) {
        return (b[off] >> 6) & 0x3;
    }

    public static boolean padding(byte[] b, int off) {
        return (b[off] & 0x20) != 0;
    }

    public static boolean extension(byte[] b, int off) {
        return (b[off] & 0x10) != 0;
    }

    public static int csrcCount(byte[] b, int off) {
        return b[off] & 0x0f;
    }

    public static boolean marker(byte[] b, int off) {
        return (b[off + 1] & 0x80) != 0;
    }

    public static int payloadType(byte[] b, int off) {
        return b[off + 1] & 0x7f;
    }

    /** Sequence number 0..65535. */
    public static int sequence(byte[] b, int off) {
        return ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** Timestamp as an unsigned 32-bit value. */
    public static long timestamp(byte[] b, int off) {
        return readU32(b, off + 4);
    }

    public static int ssrc(byte[] b, int off) {
        return (int) readU32(b, off + 8);
    }

    public static void setMarker(byte[] b, int off, boolean m) {
        b[off + 1] = (byte) (m ? (b[off + 1] | 0x80) : (b[off + 1] & 0x7f));
    }

    public static void setPayloadType(byte[] b, int off, int pt) {
        b[off + 1] = (byte) ((b[off + 1] & 0x80) | (pt & 0x7f));
    }

    public static void setSequence(byte[] b, int off, int seq) {
        b[off + 2] = (byte) (seq >> 8);
        b[off + 3] = (byte) seq;
    }

    public static void setTimestamp(byte[] b, int off, long ts) {
        writeU32(b, off + 4, ts);
    }

    public static void setSsrc(byte[] b, int off, int ssrc) {
        writeU32(b, off + 8, ssrc);
    }

    /** First byte of an RTP/RTCP datagram per RFC 7983: 128..191. */
    public static boolean looksLikeRtpOrRtcp(byte[] b, int off, int len) {
        return len >= FIXED_LENGTH && (b[off] & 0xc0) == 0x80;
    }

    /** RFC 5761 section 4: payload type 64..95 (second byte 192..223) is RTCP when multiplexed. */
    public static boolean isRtcp(byte[] b, int off, int len) {
        if (len < 8) {
            return false;
        }
        int pt = b[off + 1] & 0xff;
        return pt >= 192 && pt <= 223;
    }

    static long readU32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    static void writeU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
