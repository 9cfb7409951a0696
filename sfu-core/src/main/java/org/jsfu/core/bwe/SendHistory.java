package org.jsfu.core.bwe;

/**
 * The sending side of transport-wide congestion control for one peer connection: hands out the
 * transport-wide sequence number each outgoing RTP packet carries (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 2: one counter per transport, across all its streams, incremented per packet, retransmissions
 * included) and remembers, per number, when the packet was sent and its size, for the feedback
 * (section 3.1) to be matched against. Fixed arrays, no allocation; one owner thread.
 */
public final class SendHistory {
    private static final long EMPTY = Long.MIN_VALUE;
    /**
     * One entry per number, interleaved in one array (32 bytes: key, send time, size, acked), so a packet
     * sent writes one or two cache lines instead of one in each of four parallel arrays.
     */
    private static final int STRIDE = 4;
    private static final int KEY = 0;
    private static final int SENT = 1;
    private static final int SIZE = 2;
    private static final int ACKED = 3;

    private final int mask;
    private final long[] e;
    /** Extended sequence number of the next packet. */
    private long next = 1;

    /** @param capacity power of two: how many packets back feedback can still be matched */
    public SendHistory(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        mask = capacity - 1;
        e = new long[capacity * STRIDE];
        for (int i = KEY; i < e.length; i += STRIDE) {
            e[i] = EMPTY;
        }
    }

    /** A packet of {@code bytes} (RTP header and payload) leaves now; returns its 16-bit transport-wide number. */
    public int onSend(int bytes, long nowNanos) {
        long s = next++;
        int i = ((int) s & mask) * STRIDE;
        e[i + KEY] = s;
        e[i + SENT] = nowNanos;
        e[i + SIZE] = bytes;
        e[i + ACKED] = 0;
        return (int) s & 0xffff;
    }

    /** Packets numbered so far. */
    public long sent() {
        return next - 1;
    }

    /**
     * The history slot of 16-bit number {@code seq} (extended next to the newest one sent), or -1 when it
     * was never sent or has left the history.
     */
    public int slot(int seq) {
        long newest = next - 1;
        long ext = newest + (short) ((seq & 0xffff) - (int) newest);
        if (ext < 1 || ext > newest) {
            return -1;
        }
        int i = (int) ext & mask;
        return e[i * STRIDE + KEY] == ext ? i : -1;
    }

    public long sentNanos(int slot) {
        return e[slot * STRIDE + SENT];
    }

    public int size(int slot) {
        return (int) e[slot * STRIDE + SIZE];
    }

    public boolean acked(int slot) {
        return e[slot * STRIDE + ACKED] != 0;
    }

    /** Marks the slot's packet as reported received; false when it already was (feedback repeats it). */
    public boolean ack(int slot) {
        int i = slot * STRIDE + ACKED;
        if (e[i] != 0) {
            return false;
        }
        e[i] = 1;
        return true;
    }
}
