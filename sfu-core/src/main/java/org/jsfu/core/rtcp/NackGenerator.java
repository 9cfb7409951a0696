package org.jsfu.core.rtcp;

import java.util.Arrays;

/**
 * Decides which missing sequence numbers of one received stream to NACK (RFC 4585 6.2.1), and when.
 * A gap in the extended sequence numbers makes its numbers pending; each is first asked for after
 * {@code reorderDelayMs} (a late packet may still arrive), then again every max(rtt, minIntervalMs),
 * at most {@code maxRetries} times, and given up when it falls {@code capacity} behind the newest.
 * Time is a parameter; fixed arrays, no allocation.
 */
public final class NackGenerator {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int mask;
    private final int maxRetries;
    private final long reorderDelayMs;
    private final long minIntervalMs;
    private final long[] keys;
    private final int[] tries;
    private final long[] dueMs;
    private long highest = EMPTY;
    private int pending;

    /** Defaults: 256 tracked, 10 retries, 5 ms reorder delay, 20 ms min interval. */
    public NackGenerator() {
        this(256, 10, 5, 20);
    }

    public NackGenerator(int capacity, int maxRetries, long reorderDelayMs, long minIntervalMs) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        this.mask = capacity - 1;
        this.maxRetries = maxRetries;
        this.reorderDelayMs = reorderDelayMs;
        this.minIntervalMs = minIntervalMs;
        this.keys = new long[capacity];
        this.tries = new int[capacity];
        this.dueMs = new long[capacity];
        Arrays.fill(keys, EMPTY);
    }

    /** A packet arrived (including retransmissions). */
    public void onPacket(long extSeq, long nowMs) {
        if (highest == EMPTY) {
            highest = extSeq;
            return;
        }
        if (extSeq > highest) {
            long from = Math.max(highest + 1, extSeq - mask);
            for (long s = from; s < extSeq; s++) {
                int i = (int) s & mask;
                if (keys[i] == EMPTY) {
                    pending++;
                }
                keys[i] = s;
                tries[i] = 0;
                dueMs[i] = nowMs + reorderDelayMs;
            }
            int i = (int) extSeq & mask;
            if (keys[i] != EMPTY) {
                keys[i] = EMPTY;
                pending--;
            }
            highest = extSeq;
        } else {
            int i = (int) extSeq & mask;
            if (keys[i] == extSeq) {
                keys[i] = EMPTY;
                pending--;
            }
        }
    }

    /**
     * Writes the 16-bit sequence numbers to NACK now into {@code out}, oldest first (ready for
     * {@link Nack#write}); returns how many. Entries that ran out of retries are dropped.
     */
    public int collect(long nowMs, long rttMs, int[] out) {
        if (highest == EMPTY || pending == 0) {
            return 0;
        }
        int n = 0;
        long interval = Math.max(minIntervalMs, rttMs);
        for (long s = highest - mask; s < highest && n < out.length; s++) {
            int i = (int) s & mask;
            if (keys[i] != s) {
                continue;
            }
            if (tries[i] >= maxRetries) {
                keys[i] = EMPTY;
                pending--;
                continue;
            }
            if (dueMs[i] <= nowMs) {
                out[n++] = (int) s & 0xffff;
                tries[i]++;
                dueMs[i] = nowMs + interval;
            }
        }
        return n;
    }

    /** Sequence numbers still awaited. */
    public int pending() {
        return pending;
    }
}
