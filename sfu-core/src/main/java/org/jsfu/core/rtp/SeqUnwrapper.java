package org.jsfu.core.rtp;

/**
 * Extends 16-bit RTP sequence numbers to 64 bits (RFC 3550 appendix A.1 style: cycles counted when the
 * sequence wraps forward). Each value is placed nearest to the highest seen so far, so reordered packets
 * from before a wrap get the previous cycle. The first value maps to itself; a packet reordered before
 * the first may map below zero.
 */
public final class SeqUnwrapper {
    private long highest;
    private boolean started;

    /** Extends {@code seq} and advances the highest value when it is newer. */
    public long unwrap(int seq) {
        long ext = peek(seq);
        if (!started || ext > highest) {
            highest = ext;
            started = true;
        }
        return ext;
    }

    /** Extends {@code seq} without changing state. */
    public long peek(int seq) {
        if (!started) {
            return seq & 0xffff;
        }
        int delta = (short) ((seq - (int) highest) & 0xffff);
        return highest + delta;
    }

    public boolean started() {
        return started;
    }

    /** Highest extended value; undefined before the first packet. */
    public long highest() {
        return highest;
    }

    public void reset() {
        started = false;
        highest = 0;
    }
}
