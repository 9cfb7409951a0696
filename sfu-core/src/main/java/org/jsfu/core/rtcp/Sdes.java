package org.jsfu.core.rtcp;

import java.nio.charset.StandardCharsets;

/** SDES with a CNAME item (RFC 3550 section 6.5 and 6.5.1). */
public final class Sdes {
    public static final int CNAME = 1;

    private Sdes() {
    }

    /** Writes an SDES packet with one chunk (ssrc, CNAME); returns its length. cname is at most 255 bytes. */
    public static int writeCname(byte[] b, int off, int ssrc, byte[] cnameUtf8) {
        int n = cnameUtf8.length;
        if (n > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        // chunk: SSRC, item type, length, text, then at least one null octet up to a 32-bit boundary.
        int chunk = 4 + 2 + n;
        int padded = (chunk + 4) & ~3;
        int len = 4 + padded;
        Rtcp.writeHeader(b, off, 1, Rtcp.SDES, len);
        Rtcp.writeInt(b, off + 4, ssrc);
        b[off + 8] = CNAME;
        b[off + 9] = (byte) n;
        System.arraycopy(cnameUtf8, 0, b, off + 10, n);
        for (int i = off + 4 + chunk; i < off + len; i++) {
            b[i] = 0;
        }
        return len;
    }

    /**
     * The CNAME for {@code ssrc} in an SDES packet, or null when absent or the packet is malformed.
     * Allocates the String (SDES is rare).
     */
    public static String cname(byte[] b, int off, int len, int ssrc) {
        if (len < 4 || Rtcp.packetType(b, off) != Rtcp.SDES) {
            return null;
        }
        int chunks = Rtcp.count(b, off);
        int p = off + 4;
        int end = off + len;
        for (int c = 0; c < chunks; c++) {
            if (p + 4 > end) {
                return null;
            }
            int chunkSsrc = Rtcp.readInt(b, p);
            p += 4;
            String found = null;
            while (true) {
                if (p >= end) {
                    return null;
                }
                int type = b[p] & 0xff;
                if (type == 0) {
                    // end of items: skip to the next 32-bit boundary (relative to the packet start)
                    p += 4 - ((p - off) & 3);
                    break;
                }
                if (p + 2 > end) {
                    return null;
                }
                int l = b[p + 1] & 0xff;
                if (p + 2 + l > end) {
                    return null;
                }
                if (type == CNAME && chunkSsrc == ssrc && found == null) {
                    found = new String(b, p + 2, l, StandardCharsets.UTF_8);
                }
                p += 2 + l;
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
