package org.jsfu.core.rtp;

/**
 * RTP retransmission payload format (RFC 4588 section 4): an RTX packet's payload starts with the
 * original sequence number (OSN, 16 bits) followed by the original payload; SSRC and payload type are
 * the RTX stream's. No allocation.
 */
public final class Rtx {
    private Rtx() {
    }

    /**
     * Rebuilds the original packet of RTX packet {@code rtx} into {@code dst} at 0: its header (CSRCs and
     * extensions kept) with SSRC {@code primarySsrc}, payload type {@code pt} and the OSN as sequence
     * number, then the payload after the OSN, without padding. Returns the length, or -1 when the RTX
     * packet carries no original payload (a padding-only bandwidth probe) or {@code dst} is too small.
     */
    public static int unwrap(RtpPacket rtx, int primarySsrc, int pt, byte[] dst) {
        int payloadLen = rtx.payloadLength();
        int h = rtx.headerLength();
        if (payloadLen <= 2 || h + payloadLen - 2 > dst.length) {
            return -1;
        }
        byte[] b = rtx.buffer();
        int po = rtx.payloadOffset();
        System.arraycopy(b, rtx.offset(), dst, 0, h);
        System.arraycopy(b, po + 2, dst, h, payloadLen - 2);
        dst[0] &= ~0x20; // RFC 3550 5.1: P=0, the padding is not copied
        RtpHeader.setSequence(dst, 0, ((b[po] & 0xff) << 8) | (b[po + 1] & 0xff));
        RtpHeader.setSsrc(dst, 0, primarySsrc);
        RtpHeader.setPayloadType(dst, 0, pt);
        return h + payloadLen - 2;
    }
}
