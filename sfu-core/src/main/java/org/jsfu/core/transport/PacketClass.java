package org.jsfu.core.transport;

/**
 * Demultiplexing of one UDP datagram by its first byte, RFC 7983 section 7 (updating RFC 5764 5.1.2),
 * and RTP versus RTCP by payload type, RFC 5761 section 4.
 */
public enum PacketClass {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    public static PacketClass of(byte[] b, int off, int len) {
        if (len < 1) {
            return UNKNOWN;
        }
        int first = b[off] & 0xff;
        if (first <= 3) {
            return len >= 20 ? STUN : UNKNOWN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (len < 4) {
                return UNKNOWN;
            }
            int pt = b[off + 1] & 0xff;
            // RFC 5761 4: RTCP packet types 192..223 (SR 200, RR 201, SDES 202, BYE 203, APP 204,
            // RTPFB 205, PSFB 206, XR 207) occupy the second byte with the marker bit set.
            return (pt >= 192 && pt <= 223) ? RTCP : RTP;
        }
        return UNKNOWN;
    }
}
