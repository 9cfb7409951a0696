package org.jsfu.core.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * The sending half of an association: fragmentation (RFC 4960 6.9), TSN assignment, SACK processing
 * with gap blocks and fast retransmit (6.2.1, 7.2.4), congestion and receiver windows (6.1, 7.2),
 * the retransmission timeout (6.3) and partial reliability with abandonment (RFC 3758 3.5).
 * Chunks keep consecutive TSNs from the head of {@link #chunks}, so a TSN is an index.
 */
final class SendQueue {
    static final int MAX_GAP_BLOCKS_IN = 256;
    /** Bytes charged per chunk on top of its data, so tiny messages cannot pile up objects. */
    static final int OVERHEAD = 64;

    static final class Chunk {
        final int tsn;
        final int stream;
        final int ssn;
        final int ppid;
        final int flags;
        final byte[] data;
        final int messageId;
        final int maxRetransmits;
        int transmissions;
        long sentMs;
        boolean inFlight;
        boolean acked;
        boolean abandoned;
        boolean retransmit;
        int missing;

        Chunk(int tsn, int stream, int ssn, int ppid, int flags, byte[] data, int messageId, int maxRetransmits) {
            this.tsn = tsn;
            this.stream = stream;
            this.ssn = ssn;
            this.ppid = ppid;
            this.flags = flags;
            this.data = data;
            this.messageId = messageId;
            this.maxRetransmits = maxRetransmits;
        }
    }

    private final int mtu;
    private final int maxPayload;
    private final int capacity;
    private final int[] nextSsn;
    private final List<Chunk> chunks = new ArrayList<>();
    private int head; // chunks before head are removed lazily
    private int cursor; // chunks before cursor have been sent (or abandoned)
    private int retransmits; // chunks marked for retransmission
    private int nextTsn;
    private int cumAck;
    private int nextMessageId;
    private int buffered;
    private int flight;
    private int cwnd;
    private int ssthresh;
    private int partialAcked;
    private long peerWindow;
    private boolean fastRecovery;
    private int fastRecoveryExit;
    // RFC 4960 6.3.1
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private final long rtoMin;
    private final long rtoMax;

    SendQueue(int mtu, int capacity, int streams, long rtoInitial, long rtoMin, long rtoMax) {
        this.mtu = mtu;
        this.maxPayload = mtu - Chunks.COMMON_HEADER - Chunks.DATA_HEADER;
        this.capacity = capacity;
        this.nextSsn = new int[streams];
        this.rto = rtoInitial;
        this.rtoMin = rtoMin;
        this.rtoMax = rtoMax;
    }

    /** Starts with our initial TSN and the peer's a_rwnd (RFC 4960 7.2.1 initial cwnd). */
    void reset(int initialTsn, long peerRwnd) {
        chunks.clear();
        head = 0;
        cursor = 0;
        retransmits = 0;
        nextTsn = initialTsn;
        cumAck = initialTsn - 1;
        buffered = 0;
        flight = 0;
        cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4380));
        ssthresh = (int) Math.min(Integer.MAX_VALUE, peerRwnd);
        peerWindow = peerRwnd;
        java.util.Arrays.fill(nextSsn, 0);
    }

    /** The peer's a_rwnd from INIT / INIT ACK. */
    void setPeerWindow(long w) {
        peerWindow = w;
        ssthresh = (int) Math.min(Integer.MAX_VALUE, w);
    }

    int bufferedBytes() {
        return buffered;
    }

    int flightSize() {
        return flight;
    }

    long rto() {
        return rto;
    }

    int cumulativeAck() {
        return cumAck;
    }

    int nextTsn() {
        return nextTsn;
    }

    boolean hasOutstanding() {
        return head < chunks.size();
    }

    /** Queues one message as DATA chunks; false when it does not fit the send buffer. */
    boolean enqueue(int stream, int ppid, byte[] b, int off, int len, boolean unordered, int maxRetransmits) {
        int fragments = (len + maxPayload - 1) / maxPayload;
        if (stream < 0 || stream >= nextSsn.length || buffered + len + fragments * OVERHEAD > capacity) {
            return false;
        }
        int ssn = 0;
        if (!unordered) {
            ssn = nextSsn[stream];
            nextSsn[stream] = (ssn + 1) & 0xffff;
        }
        int id = nextMessageId++;
        int p = 0;
        do {
            int n = Math.min(maxPayload, len - p);
            int flags = (unordered ? Chunks.FLAG_UNORDERED : 0) | (p == 0 ? Chunks.FLAG_BEGIN : 0)
                    | (p + n == len ? Chunks.FLAG_END : 0);
            byte[] data = new byte[n];
            System.arraycopy(b, off + p, data, 0, n);
            chunks.add(new Chunk(nextTsn++, stream, ssn, ppid, flags, data, id, maxRetransmits));
            buffered += n + OVERHEAD;
            p += n;
        } while (p < len);
        return true;
    }

    /** RFC 6525 5.2.2 on our side: SSNs of reset outgoing streams restart at 0. */
    void resetStreamSsn(int stream) {
        if (stream >= 0 && stream < nextSsn.length) {
            nextSsn[stream] = 0;
        }
    }

    /**
     * The next chunk allowed on the wire now, or null: retransmissions first (one is always allowed
     * when nothing is in flight), then new data within min(cwnd, peer window) (RFC 4960 6.1).
     */
    Chunk nextToSend() {
        if (retransmits > 0) {
            for (int i = head; i < cursor; i++) {
                Chunk c = chunks.get(i);
                if (c.retransmit) {
                    return allowed(c) ? c : null;
                }
            }
        }
        cursor = Math.max(cursor, head);
        while (cursor < chunks.size() && (chunks.get(cursor).transmissions > 0 || chunks.get(cursor).abandoned)) {
            cursor++;
        }
        Chunk fresh = cursor < chunks.size() ? chunks.get(cursor) : null;
        return fresh != null && allowed(fresh) ? fresh : null;
    }

    private void setRetransmit(Chunk c, boolean on) {
        if (c.retransmit != on) {
            c.retransmit = on;
            retransmits += on ? 1 : -1;
        }
    }

    private boolean allowed(Chunk c) {
        return flight == 0 || flight + c.data.length <= Math.min(cwnd, peerWindow);
    }

    void markSent(Chunk c, long nowMs) {
        c.transmissions++;
        setRetransmit(c, false);
        c.sentMs = nowMs;
        c.inFlight = true;
        c.missing = 0;
        flight += c.data.length;
        peerWindow = Math.max(0, peerWindow - c.data.length);
    }

    private void leaveFlight(Chunk c) {
        if (c.inFlight) {
            c.inFlight = false;
            flight -= c.data.length;
        }
    }

    /**
     * A SACK (RFC 4960 6.2.1). Returns -1 when it is stale or invalid, 1 when the cumulative ack
     * advanced, 0 otherwise. {@code b/gapsOff} holds {@code gaps} validated gap blocks.
     */
    int onSack(int cum, long aRwnd, byte[] b, int gapsOff, int gaps, long nowMs) {
        if (Chunks.before(cum, cumAck) || !Chunks.before(cum, nextTsn)) {
            return -1;
        }
        boolean advanced = cum != cumAck;
        int bytesAcked = 0;
        while (head < chunks.size() && !Chunks.before(cum, chunks.get(head).tsn)) {
            Chunk c = chunks.get(head);
            if (c.tsn == cum && c.transmissions == 1 && !c.acked && c.inFlight) {
                measureRtt(nowMs - c.sentMs);
            }
            if (!c.acked) {
                bytesAcked += c.data.length;
            }
            leaveFlight(c);
            setRetransmit(c, false);
            buffered -= c.data.length + OVERHEAD;
            chunks.set(head, null);
            head++;
        }
        cumAck = cum;
        compact();
        int highestNew = cum;
        int n = Math.min(gaps, MAX_GAP_BLOCKS_IN);
        int lastEnd = 0;
        for (int i = 0; i < n; i++) {
            int start = Chunks.u16(b, gapsOff + 4 * i);
            int end = Chunks.u16(b, gapsOff + 4 * i + 2);
            if (start <= lastEnd || end < start) {
                continue; // 3.3.4: blocks ascend without overlap; others are ignored (bounded work)
            }
            lastEnd = end;
            for (int off = start; off <= end; off++) {
                Chunk c = at(cum + off);
                if (c == null) {
                    break;
                }
                if (!c.acked) {
                    c.acked = true;
                    setRetransmit(c, false);
                    bytesAcked += c.data.length;
                    leaveFlight(c);
                    if (Chunks.before(highestNew, c.tsn)) {
                        highestNew = c.tsn;
                    }
                }
            }
        }
        if (fastRecovery && !Chunks.before(cum, fastRecoveryExit)) {
            fastRecovery = false;
        }
        // 7.2.4: chunks below the highest newly acked TSN are missing once more.
        boolean lossDetected = false;
        for (int i = head; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            if (!Chunks.before(c.tsn, highestNew)) {
                break;
            }
            if (c.inFlight && !c.acked && ++c.missing == 3) {
                leaveFlight(c);
                lossDetected = true;
                if (!abandonIfExhausted(c)) {
                    setRetransmit(c, true);
                }
            }
        }
        if (lossDetected && !fastRecovery) {
            ssthresh = Math.max(cwnd / 2, 4 * mtu);
            cwnd = ssthresh;
            partialAcked = 0;
            fastRecovery = true;
            fastRecoveryExit = nextTsn - 1;
        }
        if (advanced && !fastRecovery) {
            if (cwnd <= ssthresh) {
                cwnd += Math.min(bytesAcked, mtu);
            } else {
                partialAcked += bytesAcked;
                if (partialAcked >= cwnd) {
                    partialAcked -= cwnd;
                    cwnd += mtu;
                }
            }
            cwnd = Math.min(cwnd, Math.max(capacity, 4 * mtu));
        }
        peerWindow = Math.max(0, aRwnd - flight);
        return advanced ? 1 : 0;
    }

    private Chunk at(int tsn) {
        if (head >= chunks.size()) {
            return null;
        }
        int idx = head + (tsn - chunks.get(head).tsn);
        return idx >= head && idx < chunks.size() ? chunks.get(idx) : null;
    }

    private void compact() {
        if (head > 256 && head * 2 > chunks.size()) {
            chunks.subList(0, head).clear();
            cursor = Math.max(0, cursor - head);
            head = 0;
        } else if (head == chunks.size()) {
            chunks.clear();
            cursor = 0;
            head = 0;
        }
    }

    private void measureRtt(long r) {
        if (r < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.max(rtoMin, Math.min(rtoMax, srtt + Math.max(4 * rttvar, 10)));
    }

    /** RFC 3758 3.5 A3: a chunk out of retransmissions abandons its whole message. */
    private boolean abandonIfExhausted(Chunk c) {
        if (c.maxRetransmits < 0 || c.transmissions <= c.maxRetransmits) {
            return false;
        }
        // A message's fragments have consecutive TSNs, so they are neighbours in the queue.
        int idx = head + (c.tsn - chunks.get(head).tsn);
        int from = idx;
        while (from > head && chunks.get(from - 1).messageId == c.messageId) {
            from--;
        }
        for (int i = from; i < chunks.size() && chunks.get(i).messageId == c.messageId; i++) {
            Chunk x = chunks.get(i);
            x.abandoned = true;
            setRetransmit(x, false);
            leaveFlight(x);
        }
        return true;
    }

    /** T3-rtx expiry (RFC 4960 6.3.3): back off, collapse cwnd, retransmit everything in flight. */
    void onRetransmitTimeout() {
        rto = Math.min(rtoMax, rto * 2);
        ssthresh = Math.max(cwnd / 2, 4 * mtu);
        cwnd = mtu;
        partialAcked = 0;
        fastRecovery = false;
        for (int i = head; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            if (c.inFlight && !c.acked) {
                leaveFlight(c);
                if (!abandonIfExhausted(c)) {
                    setRetransmit(c, true);
                }
            }
        }
    }

    /** Whether anything is in flight or waiting to be skipped with FORWARD TSN (T3 must run). */
    boolean needsTimer() {
        return flight > 0 || Chunks.before(cumAck, advancedAckPoint());
    }

    /**
     * RFC 3758 3.5 C1: the highest TSN such that everything after the cumulative ack up to it is abandoned
     * (only abandoned chunks are skipped).
     */
    int advancedAckPoint() {
        int p = cumAck;
        for (int i = head; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            if (!c.abandoned) {
                break;
            }
            p = c.tsn;
        }
        return p;
    }

    /** Ordered (stream, ssn) pairs abandoned up to {@code point}; at most {@code max}. */
    int abandonedStreams(int point, int[] out, int max) {
        int n = 0;
        for (int i = head; i < chunks.size() && n < max; i++) {
            Chunk c = chunks.get(i);
            if (Chunks.before(point, c.tsn)) {
                break;
            }
            if (c.abandoned && (c.flags & Chunks.FLAG_UNORDERED) == 0) {
                int key = c.stream << 16 | c.ssn;
                int j = 0;
                while (j < n && out[j] >>> 16 != c.stream) {
                    j++;
                }
                out[j] = key;
                if (j == n) {
                    n++;
                }
            }
        }
        return n;
    }
}
