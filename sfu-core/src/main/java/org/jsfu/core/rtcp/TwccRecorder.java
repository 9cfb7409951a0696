package org.jsfu.core.rtcp;

import java.util.Arrays;
import org.jsfu.core.rtp.SeqUnwrapper;

/**
 * The receiving side of transport-wide congestion control for one transport (a BUNDLE group):
 * records the arrival time of each packet by its transport-wide sequence number (the header extension of
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2) and turns what arrived since the last
 * feedback into a feedback packet (section 3.1, {@link TwccFeedback#write}). Sequence numbers are
 * reported once, in order; one that arrives after it was reported as lost is ignored. Arrival times
 * are microseconds since the first packet, so the 24-bit reference time does not wrap for days. Time is
 * a parameter; fixed arrays, no allocation.
 */
public final class TwccRecorder {
    private static final long EMPTY = Long.MIN_VALUE;

    private final SeqUnwrapper unwrapper = new SeqUnwrapper();
    private final int mask;
    private final int maxPerFeedback;
    private final long[] keys;
    private final long[] arrivalUs;
    private final long[] batch;
    private long originNanos;
    private long next = EMPTY;
    private long highest = EMPTY;
    private int feedbackCount;
    private int mediaSsrc;

    /** 1024 sequence numbers of history, at most 256 per feedback packet. */
    public TwccRecorder() {
        this(1024, 256);
    }

    public TwccRecorder(int capacity, int maxPerFeedback) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1 || maxPerFeedback <= 0 || maxPerFeedback > capacity) {
            throw new IllegalArgumentException("capacity a power of two, 0 < maxPerFeedback <= capacity");
        }
        this.mask = capacity - 1;
        this.maxPerFeedback = maxPerFeedback;
        this.keys = new long[capacity];
        this.arrivalUs = new long[capacity];
        this.batch = new long[maxPerFeedback];
        Arrays.fill(keys, EMPTY);
    }

    /** Bytes a feedback packet needs at most (see {@link TwccFeedback#write}). */
    public int maxFeedbackLength() {
        return 20 + 2 * ((maxPerFeedback + 6) / 7) + 2 * maxPerFeedback + 3;
    }

    /** A packet carrying transport-wide sequence {@code seq} (16 bits) of media SSRC {@code ssrc} arrived. */
    public void onPacket(int seq, int ssrc, long arrivalNanos) {
        long ext = unwrapper.unwrap(seq & 0xffff);
        if (next == EMPTY) {
            next = ext;
            originNanos = arrivalNanos;
        }
        if (ext < next) {
            return; // already reported (as lost): late
        }
        if (ext - next > mask) {
            next = ext - mask; // the backlog outgrew the history: the oldest are never reported
        }
        int i = (int) ext & mask;
        keys[i] = ext;
        arrivalUs[i] = Math.max(0, arrivalNanos - originNanos) / 1000;
        if (highest == EMPTY || ext > highest) {
            highest = ext;
        }
        mediaSsrc = ssrc;
    }

    /** Whether some sequence numbers wait to be reported. */
    public boolean pending() {
        return highest != EMPTY && highest >= next;
    }

    /**
     * Writes one feedback packet for the oldest unreported sequence numbers (up to the per-feedback limit;
     * call again while {@link #pending()}) and marks them reported. Returns its length, or 0 when there
     * was nothing to report (or nothing writable: those numbers are skipped).
     */
    public int writeFeedback(byte[] b, int off, int senderSsrc) {
        if (!pending()) {
            return 0;
        }
        int n = (int) Math.min(maxPerFeedback, highest - next + 1);
        long base = next;
        for (int k = 0; k < n; k++) {
            long s = base + k;
            int i = (int) s & mask;
            batch[k] = keys[i] == s ? arrivalUs[i] : TwccFeedback.LOST;
        }
        next = base + n;
        int len = TwccFeedback.write(b, off, senderSsrc, mediaSsrc, (int) base & 0xffff, feedbackCount, batch, n);
        if (len <= 0) {
            return 0;
        }
        feedbackCount = (feedbackCount + 1) & 0xff;
        return len;
    }
}
