package org.jsfu.core.sctp;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The receiving half of an association: TSN tracking for SACKs (RFC 4960 6.2, 3.3.4), reassembly of
 * fragmented messages (6.9), ordered delivery per stream (6.6), FORWARD TSN (RFC 3758 3.6) and
 * incoming stream resets (RFC 6525 5.2.2). Memory is bounded: TSNs are accepted only within a fixed
 * window above the cumulative TSN; buffered bytes (each item charged {@link #OVERHEAD} extra) stay
 * within the receive window, plus at most one max-size message for the chunk at the cumulative TSN.
 */
final class ReceiveBuffer {
    /** TSNs accepted above the cumulative TSN (a power of two). */
    static final int WINDOW = 4096;
    static final int MAX_GAP_BLOCKS_OUT = 64;
    static final int MAX_DUPS_OUT = 16;
    /** Bytes charged per stored fragment or waiting message on top of its data (bounds object count). */
    static final int OVERHEAD = 64;

    /** Receives complete messages. */
    interface Sink {
        void deliver(int stream, int ppid, byte[] data, boolean unordered);
    }

    private static final class Fragment {
        final int tsn;
        final int stream;
        final int ssn;
        final int ppid;
        final int flags;
        final byte[] data;

        Fragment(int tsn, int stream, int ssn, int ppid, int flags, byte[] data) {
            this.tsn = tsn;
            this.stream = stream;
            this.ssn = ssn;
            this.ppid = ppid;
            this.flags = flags;
            this.data = data;
        }

        boolean sameMessage(Fragment o) {
            return o.stream == stream && ((o.flags ^ flags) & Chunks.FLAG_UNORDERED) == 0
                    && ((flags & Chunks.FLAG_UNORDERED) != 0 || o.ssn == ssn);
        }
    }

    private record Pending(int ppid, byte[] data) {
    }

    private final int capacity;
    private final int maxMessageSize;
    private final int streams;
    private final Sink sink;
    private final boolean[] seen = new boolean[WINDOW];
    private final int[] nextSsn;
    private final Map<Integer, Fragment> fragments = new HashMap<>();
    /** Complete ordered messages waiting for an earlier SSN, keyed by stream << 16 | ssn. */
    private final Map<Integer, Pending> waiting = new HashMap<>();
    private final int[] dups = new int[MAX_DUPS_OUT];
    private int dupCount;
    private int cumTsn;
    private int highestTsn;
    private int buffered;
    private long dropped;

    ReceiveBuffer(int capacity, int maxMessageSize, int streams, Sink sink) {
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.streams = streams;
        this.sink = sink;
        this.nextSsn = new int[streams];
    }

    /** The peer's initial TSN (from INIT / INIT ACK) starts the window. */
    void reset(int peerInitialTsn) {
        cumTsn = peerInitialTsn - 1;
        highestTsn = cumTsn;
        java.util.Arrays.fill(seen, false);
        java.util.Arrays.fill(nextSsn, 0);
        fragments.clear();
        waiting.clear();
        buffered = 0;
        dupCount = 0;
    }

    int cumulativeTsn() {
        return cumTsn;
    }

    /** The a_rwnd to advertise (RFC 4960 6.2). */
    int window() {
        return Math.max(0, capacity - buffered);
    }

    int bufferedBytes() {
        return buffered;
    }

    long droppedChunks() {
        return dropped;
    }

    /** A DATA chunk's fields, already length-checked by the caller. Returns false when dropped. */
    boolean onData(int tsn, int stream, int ssn, int ppid, int flags, byte[] b, int off, int len) {
        if (!Chunks.before(cumTsn, tsn) || (Chunks.before(tsn, cumTsn + WINDOW + 1) && seen[tsn & (WINDOW - 1)])) {
            if (dupCount < MAX_DUPS_OUT) {
                dups[dupCount++] = tsn;
            }
            return true;
        }
        // RFC 4960 6.2: a chunk that fills the gap at the cumulative TSN is taken even over the window
        // (else a lost message could never get in behind those waiting for it), up to one message more.
        boolean fillsGap = tsn == cumTsn + 1 && Chunks.before(tsn, highestTsn);
        int limit = fillsGap ? capacity + maxMessageSize : capacity;
        if (!Chunks.before(tsn, cumTsn + WINDOW + 1) || buffered + len + OVERHEAD > limit) {
            dropped++;
            return false; // not acknowledged: the peer retransmits once we have room
        }
        markSeen(tsn);
        if (stream >= streams) {
            advanceCumulative();
            return true; // RFC 4960 6.5: acknowledged, data discarded
        }
        byte[] data = new byte[len];
        System.arraycopy(b, off, data, 0, len);
        boolean unordered = (flags & Chunks.FLAG_UNORDERED) != 0;
        if ((flags & (Chunks.FLAG_BEGIN | Chunks.FLAG_END)) == (Chunks.FLAG_BEGIN | Chunks.FLAG_END)) {
            complete(stream, ssn, ppid, data, unordered);
        } else {
            Fragment f = new Fragment(tsn, stream, ssn, ppid, flags, data);
            fragments.put(tsn, f);
            buffered += len + OVERHEAD;
            tryReassemble(f);
        }
        advanceCumulative();
        return true;
    }

    private void markSeen(int tsn) {
        seen[tsn & (WINDOW - 1)] = true;
        if (Chunks.before(highestTsn, tsn)) {
            highestTsn = tsn;
        }
    }

    private void advanceCumulative() {
        while (seen[(cumTsn + 1) & (WINDOW - 1)] && Chunks.before(cumTsn, highestTsn)) {
            cumTsn++;
            seen[cumTsn & (WINDOW - 1)] = false;
        }
    }

    /** RFC 4960 6.9: fragments of one message carry consecutive TSNs from B to E. */
    private void tryReassemble(Fragment f) {
        Fragment first = f;
        int total = f.data.length;
        int count = 1;
        while ((first.flags & Chunks.FLAG_BEGIN) == 0) {
            Fragment prev = fragments.get(first.tsn - 1);
            if (prev == null || !prev.sameMessage(f)) {
                return;
            }
            first = prev;
            total += prev.data.length;
            count++;
        }
        Fragment last = f;
        while ((last.flags & Chunks.FLAG_END) == 0) {
            Fragment next = fragments.get(last.tsn + 1);
            if (next == null || !next.sameMessage(f)) {
                return;
            }
            last = next;
            total += next.data.length;
            count++;
        }
        byte[] msg = total <= maxMessageSize ? new byte[total] : null;
        int p = 0;
        for (int i = 0, tsn = first.tsn; i < count; i++, tsn++) {
            Fragment x = fragments.remove(tsn);
            buffered -= x.data.length + OVERHEAD;
            if (msg != null) {
                System.arraycopy(x.data, 0, msg, p, x.data.length);
                p += x.data.length;
            }
        }
        if (msg != null) {
            complete(first.stream, first.ssn, first.ppid, msg, (first.flags & Chunks.FLAG_UNORDERED) != 0);
        } else {
            dropped++;
        }
    }

    private void complete(int stream, int ssn, int ppid, byte[] data, boolean unordered) {
        if (unordered) {
            sink.deliver(stream, ppid, data, true);
            return;
        }
        int expected = nextSsn[stream];
        if (ssn == expected) {
            nextSsn[stream] = (expected + 1) & 0xffff;
            sink.deliver(stream, ppid, data, false);
            drainWaiting(stream);
        } else if (Chunks.ssnBefore(expected, ssn)) {
            if (waiting.putIfAbsent(stream << 16 | ssn, new Pending(ppid, data)) == null) {
                buffered += data.length + OVERHEAD;
            }
        } // else: an old SSN (already delivered or skipped): dropped
    }

    private void drainWaiting(int stream) {
        Pending p;
        while ((p = waiting.remove(stream << 16 | nextSsn[stream])) != null) {
            buffered -= p.data.length + OVERHEAD;
            nextSsn[stream] = (nextSsn[stream] + 1) & 0xffff;
            sink.deliver(stream, p.ppid, p.data, false);
        }
    }

    /**
     * FORWARD TSN (RFC 3758 3.6): moves the cumulative TSN, drops fragments it covers and skips the
     * given ordered SSNs ({@code streamSsn} holds stream << 16 | ssn pairs).
     */
    void onForwardTsn(int newCum, int[] streamSsn, int pairs) {
        if (!Chunks.before(cumTsn, newCum)) {
            return;
        }
        int jump = newCum - cumTsn;
        if (jump >= WINDOW) {
            java.util.Arrays.fill(seen, false);
        } else {
            for (int t = cumTsn + 1; t != newCum + 1; t++) {
                seen[t & (WINDOW - 1)] = false;
            }
        }
        cumTsn = newCum;
        if (Chunks.before(highestTsn, cumTsn)) {
            highestTsn = cumTsn;
        }
        for (Iterator<Fragment> it = fragments.values().iterator(); it.hasNext(); ) {
            Fragment f = it.next();
            if (!Chunks.before(cumTsn, f.tsn)) {
                buffered -= f.data.length + OVERHEAD;
                it.remove();
            }
        }
        dropOrphans();
        for (int i = 0; i < pairs; i++) {
            int stream = streamSsn[i] >>> 16;
            int ssn = streamSsn[i] & 0xffff;
            if (stream < streams && !Chunks.ssnBefore(ssn, nextSsn[stream])) {
                for (int s = nextSsn[stream]; s != ((ssn + 1) & 0xffff); s = (s + 1) & 0xffff) {
                    Pending p = waiting.remove(stream << 16 | s);
                    if (p != null) {
                        buffered -= p.data.length + OVERHEAD;
                    }
                }
                nextSsn[stream] = (ssn + 1) & 0xffff;
                drainWaiting(stream);
            }
        }
        advanceCumulative();
    }

    /** Fragments whose message start can no longer arrive (at or below the cumulative TSN). */
    private void dropOrphans() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Iterator<Fragment> it = fragments.values().iterator(); it.hasNext(); ) {
                Fragment f = it.next();
                if ((f.flags & Chunks.FLAG_BEGIN) == 0 && !Chunks.before(cumTsn, f.tsn - 1)
                        && !fragments.containsKey(f.tsn - 1)) {
                    buffered -= f.data.length + OVERHEAD;
                    it.remove();
                    changed = true;
                }
            }
        }
    }

    /** RFC 6525 5.2.2: the peer reset its outgoing streams; their SSNs restart at 0. */
    void resetStreams(int[] ids, int count) {
        for (int i = 0; i < count; i++) {
            int s = ids[i];
            if (s < streams) {
                nextSsn[s] = 0;
                waiting.entrySet().removeIf(e -> {
                    if (e.getKey() >>> 16 == s) {
                        buffered -= e.getValue().data.length + OVERHEAD;
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    /** Writes a SACK chunk (RFC 4960 3.3.4) at {@code o}; returns its length. */
    int writeSack(byte[] b, int o, int maxLen) {
        int gapsPos = o + 16;
        int gaps = 0;
        int limit = Math.min(MAX_GAP_BLOCKS_OUT, (maxLen - 16 - 4 * dupCount) / 4);
        int t = cumTsn + 1;
        while (gaps < limit && Chunks.before(t, highestTsn + 1)) {
            while (Chunks.before(t, highestTsn + 1) && !seen[t & (WINDOW - 1)]) {
                t++;
            }
            if (!Chunks.before(t, highestTsn + 1)) {
                break;
            }
            int start = t;
            while (Chunks.before(t, highestTsn + 1) && seen[t & (WINDOW - 1)]) {
                t++;
            }
            Chunks.put16(b, gapsPos + 4 * gaps, start - cumTsn);
            Chunks.put16(b, gapsPos + 4 * gaps + 2, t - 1 - cumTsn);
            gaps++;
        }
        int d = Math.max(0, Math.min(dupCount, (maxLen - 16 - 4 * gaps) / 4));
        for (int i = 0; i < d; i++) {
            Chunks.put32(b, gapsPos + 4 * gaps + 4 * i, dups[i]);
        }
        dupCount = 0;
        int len = 16 + 4 * gaps + 4 * d;
        b[o] = (byte) Chunks.SACK;
        b[o + 1] = 0;
        Chunks.put16(b, o + 2, len);
        Chunks.put32(b, o + 4, cumTsn);
        Chunks.put32(b, o + 8, window());
        Chunks.put16(b, o + 12, gaps);
        Chunks.put16(b, o + 14, d);
        return len;
    }
}
