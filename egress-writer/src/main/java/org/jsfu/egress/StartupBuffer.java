package org.jsfu.egress;

import java.util.ArrayList;
import java.util.List;

/**
 * The first packets of a track egress (copied; only during the anchor window). Finds the earliest
 * arrival of the first packet consistent with every held packet: min over i of
 * {@code arrival_i − (ts_i − ts_0) / 48 kHz} (a packet cannot arrive before it was sent).
 */
final class StartupBuffer {
    private List<byte[]> payloads = new ArrayList<>();
    private final List<long[]> meta = new ArrayList<>(); // ts, seq, arrival
    private boolean done;

    boolean done() { return done; }

    boolean holding() { return !done && !payloads.isEmpty(); }

    void add(byte[] b, int off, int len, long ts, long seq, long arrival) {
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        payloads.add(copy);
        meta.add(new long[] {ts, seq, arrival});
    }

    long firstArrival() { return meta.get(0)[2]; }

    int count() { return payloads.size(); }

    byte[] payload(int i) { return payloads.get(i); }

    long ts(int i) { return meta.get(i)[0]; }

    long seq(int i) { return meta.get(i)[1]; }

    long arrival(int i) { return meta.get(i)[2]; }

    /** Earliest arrival of packet 0 consistent with the others (never later than its own arrival). */
    long anchorArrival() {
        long ts0 = ts(0);
        long best = arrival(0);
        for (int i = 1; i < count(); i++) {
            long implied = arrival(i) - (ts(i) - ts0) * 1_000_000_000L / 48_000;
            if (implied < best) {
                best = implied;
            }
        }
        return best;
    }

    void release() {
        done = true;
        payloads = List.of();
        meta.clear();
    }
}
