package org.jsfu.core.bwe;

/**
 * The sending side of transport-wide congestion control for one peer connection: hands out the
 * transport-wide sequence number each outgoing RTP packet carries (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 2: one counter per transport, across all its streams, incremented per packet, retransmissions
 * included) and remembers, per number, when the packet was sent and its size, for the feedback
 * (section 3.1) to be matched against. One fixed array, no allocation; one owner thread.
 */
public final class SendHistory {
    /** Longs per slot: {@code [number << 17 | acked << 16 | size, sentNanos]}, so one packet's slot is on one cache line. */
    private static final int STRIDE = 2;
    private static final int SIZE_BITS = 16;
    private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;
    private static final long ACKED = 1L << SIZE_BITS;
    private static final int NUMBER_SHIFT = SIZE_BITS + 1;

    private final int mask;
    /** Slot i at {@code 2 * i}; a first word of 0 is a slot never written (numbers start at 1). */
    private final long[] slots;
    /** Extended sequence number of the next packet (below 2^46: at a million packets a second, two years). */
    private long next = 1;

    /** @param capacity power of two: how many packets back feedback can still be matched */
    public SendHistory(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        mask = capacity - 1;
        slots = new long[capacity * STRIDE];
    }

    /** Reads this object's fields only (cache warming: the level before {@link #touch}). */
    public int touchFields() {
        return mask + (int) next + slots.length;
    }

    /** Reads the slot the next {@link #onSend} writes (cache warming). */
    public int touch() {
        return (int) slots[((int) next & mask) * STRIDE];
    }

    /**
     * A packet of {@code bytes} (RTP header and payload; 65,535 are counted for any more) leaves now;
     * returns its 16-bit transport-wide number.
     */
    public int onSend(int bytes, long nowNanos) {
        long s = next++;
        int i = ((int) s & mask) * STRIDE;
        slots[i] = s << NUMBER_SHIFT | Math.min(Math.max(bytes, 0), SIZE_MASK);
        slots[i + 1] = nowNanos;
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
        return slots[i * STRIDE] >>> NUMBER_SHIFT == ext ? i : -1;
    }

    public long sentNanos(int slot) {
        return slots[slot * STRIDE + 1];
    }

    public int size(int slot) {
        return (int) (slots[slot * STRIDE] & SIZE_MASK);
    }

    public boolean acked(int slot) {
        return (slots[slot * STRIDE] & ACKED) != 0;
    }

    /** Marks the slot's packet as reported received; false when it already was (feedback repeats it). */
    public boolean ack(int slot) {
        int i = slot * STRIDE;
        if ((slots[i] & ACKED) != 0) {
            return false;
        }
        slots[i] |= ACKED;
        return true;
    }
}
