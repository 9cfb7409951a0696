package org.jsfu.core.rtcp;

/**
 * Per received SSRC statistics for reception reports: sequence tracking (RFC 3550 appendix A.1, without
 * probation: the first packet is accepted), loss (A.3) and interarrival jitter (A.8), and LSR/DLSR from
 * the last SR (6.4.1). Fed once per packet; {@link #fillReportBlock} closes a report interval. Time is
 * a parameter; no allocation.
 */
public final class ReceiveStats {
    private static final int SEQ_MOD = 1 << 16;
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;

    private final int ssrc;
    private final int clockRate;
    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long firstArrivalNanos;
    private int lastTransit;
    private boolean haveTransit;
    /** Jitter scaled by 16 (A.8, integer form). */
    private long jitterQ4;
    private long lastSrNtp;
    private long lastSrAtMs = Long.MIN_VALUE;

    public ReceiveStats(int ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** One received packet: 16-bit sequence, RTP timestamp, arrival time. */
    public void onPacket(int seq, long rtpTs, long arrivalNanos) {
        seq &= 0xffff;
        if (!started) {
            started = true;
            initSeq(seq);
            firstArrivalNanos = arrivalNanos;
        } else {
            int udelta = (seq - maxSeq) & 0xffff;
            if (udelta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += SEQ_MOD;
                }
                maxSeq = seq;
            } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
                if (seq == badSeq) {
                    // two sequential packets after a big jump: the source restarted (A.1)
                    initSeq(seq);
                } else {
                    badSeq = (seq + 1) & 0xffff;
                    return;
                }
            }
            // else: duplicate or reordered, counted below
        }
        received++;
        // A.8: transit = arrival - timestamp, both in timestamp units, modulo 2^32
        long arrivalTs = ((arrivalNanos - firstArrivalNanos) / 1000) * clockRate / 1_000_000;
        int transit = (int) (arrivalTs - rtpTs);
        if (haveTransit) {
            long d = Math.abs((long) transit - lastTransit);
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private void initSeq(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    /** Records an SR from this source for LSR/DLSR. */
    public void onSenderReport(long ntp, long nowMs) {
        lastSrNtp = ntp;
        lastSrAtMs = nowMs;
    }

    public int ssrc() {
        return ssrc;
    }

    public boolean started() {
        return started;
    }

    /** cycles + max sequence (A.3 extended_max), or 0 before the first packet. */
    public long extendedHighestSeq() {
        return cycles + maxSeq;
    }

    public long expected() {
        return started ? extendedHighestSeq() - baseSeq + 1 : 0;
    }

    public long received() {
        return received;
    }

    /** Cumulative lost, clamped to the 24-bit signed field (A.3). */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(-0x800000, Math.min(0x7fffff, lost));
    }

    /** Interarrival jitter in timestamp units (A.8). */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /** Fills a report block and starts a new interval for the fraction lost (A.3). */
    public void fillReportBlock(ReportBlock rb, long nowMs) {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        rb.ssrc = ssrc;
        rb.fractionLost = (expectedInterval == 0 || lostInterval <= 0) ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        rb.cumulativeLost = cumulativeLost();
        rb.extHighestSeq = extendedHighestSeq() & 0xffffffffL;
        rb.jitter = jitter() & 0xffffffffL;
        if (lastSrAtMs == Long.MIN_VALUE) {
            rb.lsr = 0;
            rb.dlsr = 0;
        } else {
            rb.lsr = Ntp.middle32(lastSrNtp);
            rb.dlsr = (Math.max(0, nowMs - lastSrAtMs) * 65536 / 1000) & 0xffffffffL;
        }
    }
}
