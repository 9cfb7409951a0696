package org.jsfu.core.bwe;

import java.util.Arrays;

/**
 * The sending side of transport-wide congestion control for one peer connection: hands out the
 * transport-wide sequence number each outgoing RTP packet carries (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 2: one counter per transport, across all its streams, incremented per packet, retransmissions
 * included) and remembers, per number, when the packet was sent and its size, for the feedback
 * (section 3.1) to be matched against. Fixed arrays, no allocation; one owner thread.
 */
public final class SendHistory {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int mask;
    private final long[] key;
    private final long[] sentNanos;
    private final int[] size;
    private final boolean[] acked;
    /** Extended sequence number of the next packet. */
    private long next = 1;

    /** @param capacity power of two: how many packets back feedback can still be matched */
    public SendHistory(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        mask = capacity - 1;
        key = new long[capacity];
        sentNanos = new long[capacity];
        size = new int[capacity];
        acked = new boolean[capacity];
        Arrays.fill(key, EMPTY);
    }

    /** Reads this object's fields only (cache warming: the level before {@link #touch}). */
    public int touchFields() {
        return mask + (int) next;
    }

    /** Reads the slot the next {@link #onSend} writes, in each array (cache warming). */
    public int touch() {
        int i = (int) next & mask;
        return (int) key[i] + (int) sentNanos[i] + size[i] + (acked[i] ? 1 : 0);
    }

    /** A packet of {@code bytes} (RTP header and payload) leaves now; returns its 16-bit transport-wide number. */
    public int onSend(int bytes, long nowNanos) {
        long s = next++;
        int i = (int) s & mask;
        key[i] = s;
        sentNanos[i] = nowNanos;
        size[i] = bytes;
        acked[i] = false;
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
        return key[i] == ext ? i : -1;
    }

    public long sentNanos(int slot) {
        return sentNanos[slot];
    }

    public int size(int slot) {
        return size[slot];
    }

    public boolean acked(int slot) {
        return acked[slot];
    }

    /** Marks the slot's packet as reported received; false when it already was (feedback repeats it). */
    public boolean ack(int slot) {
        if (acked[slot]) {
            return false;
        }
        acked[slot] = true;
        return true;
    }
}
