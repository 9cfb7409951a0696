package org.jsfu.core.rtp;

import java.util.Arrays;

/**
 * The last N packets of one publisher SSRC, keyed by extended sequence number, for NACK retransmission.
 * Packets are copied into slots owned by the ring (each slot is allocated once, on first use, then
 * reused), so storing does not allocate per packet and the caller keeps its own buffer. Stored bytes are
 * immutable until the slot is overwritten N sequence numbers later. One owner thread.
 */
public final class PacketRing {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int mask;
    private final int slotSize;
    private final byte[][] slots;
    private final int[] lengths;
    private final long[] keys;
    private long highest = EMPTY;

    /** @param capacity power of two (e.g. 512 for video, 128 for audio); @param slotSize max packet size */
    public PacketRing(int capacity, int slotSize) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        this.mask = capacity - 1;
        this.slotSize = slotSize;
        this.slots = new byte[capacity][];
        this.lengths = new int[capacity];
        this.keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
    }

    public int capacity() {
        return mask + 1;
    }

    /**
     * Copies a packet in. Returns false (nothing stored) when it is larger than a slot, or older than the
     * window (more than capacity-1 behind the highest stored). A newer packet evicts whatever sat in its
     * slot; a duplicate replaces the stored copy.
     */
    public boolean put(long extSeq, byte[] b, int off, int len) {
        if (len < 0 || len > slotSize || extSeq == EMPTY) {
            return false;
        }
        if (highest != EMPTY && extSeq <= highest - (mask + 1)) {
            return false;
        }
        int i = (int) extSeq & mask;
        byte[] s = slots[i];
        if (s == null) {
            s = new byte[slotSize];
            slots[i] = s;
        }
        System.arraycopy(b, off, s, 0, len);
        lengths[i] = len;
        keys[i] = extSeq;
        if (highest == EMPTY || extSeq > highest) {
            highest = extSeq;
        }
        return true;
    }

    /** Slot index holding {@code extSeq}, or -1. Read it with {@link #slot} and {@link #slotLength}. */
    public int find(long extSeq) {
        int i = (int) extSeq & mask;
        return keys[i] == extSeq && extSeq != EMPTY ? i : -1;
    }

    /** The ring's own buffer for a slot (packet at offset 0); read-only for callers. */
    public byte[] slot(int index) {
        return slots[index];
    }

    public int slotLength(int index) {
        return lengths[index];
    }

    /** Copies packet {@code extSeq} into {@code dst}; returns its length, or -1 if not held. */
    public int get(long extSeq, byte[] dst, int dstOff) {
        int i = find(extSeq);
        if (i < 0) {
            return -1;
        }
        System.arraycopy(slots[i], 0, dst, dstOff, lengths[i]);
        return lengths[i];
    }

    /** Highest extended sequence stored, or Long.MIN_VALUE when empty. */
    public long highest() {
        return highest;
    }

    public void clear() {
        Arrays.fill(keys, EMPTY);
        highest = EMPTY;
    }
}
