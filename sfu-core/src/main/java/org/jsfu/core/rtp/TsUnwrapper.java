package org.jsfu.core.rtp;

/**
 * Extends 32-bit RTP timestamps to 64 bits: each value is placed nearest (signed 32-bit distance) to the
 * highest seen so far. The first value maps to itself.
 */
public final class TsUnwrapper {
    private long highest;
    private boolean started;

    /** {@code ts} is the unsigned 32-bit timestamp (an int is accepted and masked). */
    public long unwrap(long ts) {
        long ext = peek(ts);
        if (!started || ext > highest) {
            highest = ext;
            started = true;
        }
        return ext;
    }

    public long peek(long ts) {
        long u = ts & 0xffffffffL;
        if (!started) {
            return u;
        }
        int delta = (int) (u - highest);
        return highest + delta;
    }

    public boolean started() {
        return started;
    }

    public long highest() {
        return highest;
    }

    public void reset() {
        started = false;
        highest = 0;
    }
}
