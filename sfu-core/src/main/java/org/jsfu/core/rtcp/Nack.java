package org.jsfu.core.rtcp;

/**
 * Generic NACK (RFC 4585 section 6.2.1): RTPFB, FMT 1; each FCI is PID (16 bits) and BLP (bitmask of
 * the following 16 sequence numbers).
 */
public final class Nack {
    private Nack() {
    }

    public static boolean isNack(byte[] b, int off, int len) {
        return len >= Rtcp.FB_HEADER + 4 && Rtcp.packetType(b, off) == Rtcp.RTPFB
                && Rtcp.count(b, off) == Rtcp.FMT_NACK;
    }

    /**
     * Expands the lost sequence numbers into {@code out} (in FCI order); returns how many were written
     * (stops when {@code out} is full), or -1 when the packet is not a NACK.
     */
    public static int parse(byte[] b, int off, int len, int[] out) {
        if (!isNack(b, off, len)) {
            return -1;
        }
        int n = 0;
        for (int p = off + Rtcp.FB_HEADER; p + 4 <= off + len; p += 4) {
            int pid = Rtcp.readU16(b, p);
            int blp = Rtcp.readU16(b, p + 2);
            if (n == out.length) {
                return n;
            }
            out[n++] = pid;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    if (n == out.length) {
                        return n;
                    }
                    out[n++] = (pid + bit + 1) & 0xffff;
                }
            }
        }
        return n;
    }

    /** Bytes needed at most for {@code n} sequence numbers. */
    public static int maxLength(int n) {
        return Rtcp.FB_HEADER + 4 * n;
    }

    /**
     * Writes a NACK for {@code seqs[0..n)}, given in ascending order (modulo 2^16); a sequence number within
     * 16 after the current PID goes in its BLP, otherwise it starts a new FCI. Returns the length.
     */
    public static int write(byte[] b, int off, int senderSsrc, int mediaSsrc, int[] seqs, int n) {
        int p = off + Rtcp.FB_HEADER;
        int i = 0;
        while (i < n) {
            int pid = seqs[i] & 0xffff;
            int blp = 0;
            int j = i + 1;
            while (j < n) {
                int d = (seqs[j] - pid) & 0xffff;
                if (d > 16) {
                    break;
                }
                if (d > 0) {
                    blp |= 1 << (d - 1);
                }
                j++;
            }
            Rtcp.writeU16(b, p, pid);
            Rtcp.writeU16(b, p + 2, blp);
            p += 4;
            i = j;
        }
        int len = p - off;
        Rtcp.writeHeader(b, off, Rtcp.FMT_NACK, Rtcp.RTPFB, len);
        Rtcp.writeInt(b, off + 4, senderSsrc);
        Rtcp.writeInt(b, off + 8, mediaSsrc);
        return len;
    }
}
