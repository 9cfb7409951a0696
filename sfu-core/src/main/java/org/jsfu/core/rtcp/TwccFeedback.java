package org.jsfu.core.rtcp;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1): RTPFB, FMT 15. FCI: base sequence, packet status count, reference time (signed 24 bits,
 * 64 ms units), feedback packet count, packet chunks (run length, or status vector of 1-bit or 2-bit
 * symbols), then receive deltas (1 byte unsigned or 2 bytes signed, 250 us units).
 *
 * <p>A reusable holder with fixed capacity: {@link #parse} fills it and returns false, never throwing,
 * on anything malformed or larger than the capacity. {@link #write} builds one from arrival times.
 */
public final class TwccFeedback {
    public static final int NOT_RECEIVED = 0;
    public static final int SMALL_DELTA = 1;
    public static final int LARGE_DELTA = 2;
    /** Arrival time of a packet that was not received. */
    public static final long LOST = Long.MIN_VALUE;

    private final byte[] status;
    private final long[] arrivalUs;
    private int count;
    private int baseSeq;
    private int referenceTime;
    private int feedbackCount;

    public TwccFeedback(int capacity) {
        status = new byte[capacity];
        arrivalUs = new long[capacity];
    }

    public static boolean isTwcc(byte[] b, int off, int len) {
        return len >= Rtcp.FB_HEADER + 8 && Rtcp.packetType(b, off) == Rtcp.RTPFB
                && Rtcp.count(b, off) == Rtcp.FMT_TWCC;
    }

    public boolean parse(byte[] b, int off, int len) {
        count = 0;
        if (!isTwcc(b, off, len)) {
            return false;
        }
        int end = off + len;
        int p = off + Rtcp.FB_HEADER;
        int base = Rtcp.readU16(b, p);
        int n = Rtcp.readU16(b, p + 2);
        int ref = (((b[p + 4] & 0xff) << 16) | ((b[p + 5] & 0xff) << 8) | (b[p + 6] & 0xff)) << 8 >> 8;
        int fb = b[p + 7] & 0xff;
        if (n > status.length) {
            return false;
        }
        p += 8;
        int i = 0;
        while (i < n) {
            if (p + 2 > end) {
                return false;
            }
            int chunk = Rtcp.readU16(b, p);
            p += 2;
            if ((chunk & 0x8000) == 0) {
                int sym = (chunk >> 13) & 0x3;
                if (sym == 3) {
                    return false;
                }
                int run = chunk & 0x1fff;
                for (int k = 0; k < run && i < n; k++) {
                    status[i++] = (byte) sym;
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int bit = 13; bit >= 0 && i < n; bit--) {
                    status[i++] = (byte) ((chunk >> bit) & 1);
                }
            } else {
                for (int shift = 12; shift >= 0 && i < n; shift -= 2) {
                    int sym = (chunk >> shift) & 0x3;
                    if (sym == 3) {
                        return false;
                    }
                    status[i++] = (byte) sym;
                }
            }
        }
        long t = ref * 64_000L;
        for (i = 0; i < n; i++) {
            if (status[i] == SMALL_DELTA) {
                if (p + 1 > end) {
                    return false;
                }
                t += (b[p] & 0xff) * 250L;
                p += 1;
                arrivalUs[i] = t;
            } else if (status[i] == LARGE_DELTA) {
                if (p + 2 > end) {
                    return false;
                }
                t += (short) Rtcp.readU16(b, p) * 250L;
                p += 2;
                arrivalUs[i] = t;
            } else {
                arrivalUs[i] = LOST;
            }
        }
        baseSeq = base;
        referenceTime = ref;
        feedbackCount = fb;
        count = n;
        return true;
    }

    /** Packets described (after a successful parse). */
    public int count() {
        return count;
    }

    public int baseSeq() {
        return baseSeq;
    }

    /** Transport-wide sequence number of entry {@code i}. */
    public int seq(int i) {
        return (baseSeq + i) & 0xffff;
    }

    public int status(int i) {
        return status[i];
    }

    public boolean received(int i) {
        return status[i] != NOT_RECEIVED;
    }

    /** Arrival time in microseconds on the receiver's clock (reference time based), or {@link #LOST}. */
    public long arrivalMicros(int i) {
        return arrivalUs[i];
    }

    public int referenceTime() {
        return referenceTime;
    }

    public int feedbackCount() {
        return feedbackCount;
    }

    /**
     * Builds feedback for {@code n} consecutive transport sequence numbers from {@code baseSeq}, with
     * arrival times in microseconds ({@link #LOST} when missing). Uses 2-bit status vector chunks.
     * Returns the length, or -1 when a delta does not fit 16 bits of 250 us or nothing was received.
     * {@code b} needs room for 20 + 2*ceil(n/7) + 2*n + 3 bytes.
     */
    public static int write(byte[] b, int off, int senderSsrc, int mediaSsrc, int baseSeq, int fbCount,
                            long[] arrivals, int n) {
        long first = LOST;
        for (int i = 0; i < n; i++) {
            if (arrivals[i] != LOST) {
                first = arrivals[i];
                break;
            }
        }
        if (first == LOST || n > 0xffff) {
            return -1;
        }
        long ref = Math.floorDiv(first, 64_000L);
        int p = off + Rtcp.FB_HEADER;
        Rtcp.writeU16(b, p, baseSeq);
        Rtcp.writeU16(b, p + 2, n);
        b[p + 4] = (byte) (ref >> 16);
        b[p + 5] = (byte) (ref >> 8);
        b[p + 6] = (byte) ref;
        b[p + 7] = (byte) fbCount;
        p += 8;
        int deltas = p + 2 * ((n + 6) / 7);
        long t = ref * 64_000L;
        int chunk = 0xC000;
        int inChunk = 0;
        for (int i = 0; i < n; i++) {
            int sym;
            if (arrivals[i] == LOST) {
                sym = NOT_RECEIVED;
            } else {
                long d = Math.floorDiv(arrivals[i] - t, 250L);
                if (d >= 0 && d <= 255) {
                    sym = SMALL_DELTA;
                    b[deltas++] = (byte) d;
                } else if (d >= Short.MIN_VALUE && d <= Short.MAX_VALUE) {
                    sym = LARGE_DELTA;
                    Rtcp.writeU16(b, deltas, (int) d);
                    deltas += 2;
                } else {
                    return -1;
                }
                t += d * 250L;
            }
            chunk |= sym << (12 - 2 * inChunk);
            if (++inChunk == 7) {
                Rtcp.writeU16(b, p, chunk);
                p += 2;
                chunk = 0xC000;
                inChunk = 0;
            }
        }
        if (inChunk > 0) {
            Rtcp.writeU16(b, p, chunk);
        }
        while (((deltas - off) & 3) != 0) {
            b[deltas++] = 0;
        }
        int len = deltas - off;
        Rtcp.writeHeader(b, off, Rtcp.FMT_TWCC, Rtcp.RTPFB, len);
        Rtcp.writeInt(b, off + 4, senderSsrc);
        Rtcp.writeInt(b, off + 8, mediaSsrc);
        return len;
    }
}
