package org.jsfu.core.bwe;

import org.jsfu.core.rtcp.TwccFeedback;

/**
 * A send-side estimate of what one peer connection's downlink carries, from the receiver's
 * transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1) matched
 * against the {@link SendHistory}. Time is a parameter; fixed arrays, no allocation.
 *
 * <p>Algorithm (a simplified delay- and loss-based AIMD in the spirit of GCC, draft-ietf-rmcat-gcc-02):
 * <ul>
 * <li>Delivered rate: the bytes of the packets reported received whose arrival (receiver clock) lies in
 *     the last {@link #RATE_WINDOW_US}, over that arrival span. When the link is the bottleneck this is its
 *     capacity; otherwise it is what was sent.</li>
 * <li>Queuing delay: per packet, one-way delay = arrival (receiver clock) - send time (ours). Its minimum over
 *     the last 10-20 s (two {@link #BASE_BUCKET_NANOS} buckets) is the propagation delay plus the clock
 *     offset, so queuing delay = one-way delay - that minimum. Packets sent within {@link #GROUP_NANOS} of
 *     each other form a group (a video frame leaves as a burst), and a group counts with its smallest
 *     delay: the standing queue, not the burst's own serialisation. The samples are smoothed (EWMA 1/4).</li>
 * <li>Loss: entries reported not received over entries, per feedback, smoothed (weighted by the number
 *     of entries).</li>
 * <li>Per feedback: overuse when the smoothed queuing delay is above {@link #OVERUSE_US} and not falling,
 *     or the loss above 10 %: the estimate drops to 0.85 x the delivered rate (delay), or to the delivered
 *     rate x (1 - loss / 2) (loss), at most once per {@link #DECREASE_INTERVAL_NANOS} (never up, except within one
 *     overuse episode, where the delivered window fills with the saturated link's rate). Normal when the delay is
 *     under {@link #NORMAL_US} and the loss under 2 %: once {@link #HOLD_NANOS} has passed since the last
 *     decrease the estimate grows by 8 % a second, never past 2 x the delivered rate + 1 Mbps (an app-limited
 *     sender shows no more than that). In between it holds.</li>
 * <li>Until the first overuse the estimate is {@link #UNLIMITED}: a downlink is not capped before it shows
 *     congestion.</li>
 * </ul>
 * Not done: probing (the estimate rises above the sending rate only by the growth rule), a trend filter
 * on delay gradients. When the receiver's 24-bit reference time wraps (after days) the delivered window
 * starts again and the delay base follows at once (a minimum).
 */
public final class SendSideEstimator {
    public static final long UNLIMITED = Long.MAX_VALUE;
    static final long RATE_WINDOW_US = 500_000;
    static final long MIN_RATE_SPAN_US = 100_000;
    static final long BASE_BUCKET_NANOS = 10_000_000_000L;
    static final long GROUP_NANOS = 5_000_000L;
    static final long OVERUSE_US = 50_000;
    static final long NORMAL_US = 25_000;
    static final double LOSS_HIGH = 0.10;
    static final double LOSS_LOW = 0.02;
    static final long DECREASE_INTERVAL_NANOS = 200_000_000L;
    static final long HOLD_NANOS = 1_000_000_000L;
    static final long MIN_BPS = 50_000;
    /**
     * Received packets the delivered-rate window can hold: {@link #RATE_WINDOW_US} at up to 16k packets/s.
     * (With 1024, above 10k packets/s the window spanned less than {@link #MIN_RATE_SPAN_US}: no delivered
     * rate, so no decrease however long the queue grew.)
     */
    private static final int RING = 8192;
    private static final long CLOCK_JUMP_US = 10_000_000;

    // delivered rate: received packets in arrival order (a ring), with their byte sum
    private final long[] ringArrival = new long[RING];
    private final int[] ringBytes = new int[RING];
    private int ringHead;
    private int ringSize;
    private long ringSum;
    private long newestArrivalUs = Long.MIN_VALUE;

    // one-way delay base: minimum over the current and the previous bucket
    private long baseBucketStart = Long.MIN_VALUE;
    private long baseCur = Long.MAX_VALUE;
    private long basePrev = Long.MAX_VALUE;

    // the open send group
    private long groupSentNanos = Long.MIN_VALUE;
    private long groupMinOwd = Long.MAX_VALUE;

    private double queueUs;
    private double prevQueueUs;
    private boolean hasQueue;
    private double loss;
    private long estimate = UNLIMITED;
    private long lastDecreaseNanos = Long.MIN_VALUE;
    private long lastUpdateNanos = Long.MIN_VALUE;
    /** Feedback packets used, packets reported received, decreases: for tests and metrics. */
    public long feedbacks;
    public long packetsAcked;
    public long decreases;

    /** Reads one parsed feedback packet received at {@code nowNanos} (our clock) and updates the estimate. */
    public void onFeedback(TwccFeedback fb, SendHistory h, long nowNanos) {
        feedbacks++;
        rollBase(nowNanos);
        int received = 0;
        int lost = 0;
        for (int i = 0, n = fb.count(); i < n; i++) {
            int slot = h.slot(fb.seq(i));
            if (slot < 0) {
                continue; // not ours, or left the history
            }
            if (!fb.received(i)) {
                if (!h.acked(slot)) {
                    lost++;
                }
                continue;
            }
            if (!h.ack(slot)) {
                continue; // already reported received
            }
            received++;
            long arrival = fb.arrivalMicros(i);
            long sent = h.sentNanos(slot);
            long owd = arrival - sent / 1000;
            baseCur = Math.min(baseCur, owd);
            addDelivered(arrival, h.size(slot));
            if (groupSentNanos == Long.MIN_VALUE || sent - groupSentNanos > GROUP_NANOS || sent < groupSentNanos) {
                closeGroup();
                groupSentNanos = sent;
            }
            groupMinOwd = Math.min(groupMinOwd, owd);
        }
        packetsAcked += received;
        int total = received + lost;
        if (total > 0) {
            double w = Math.min(0.5, total / 50.0);
            loss += ((double) lost / total - loss) * w;
        }
        decide(nowNanos);
        prevQueueUs = queueUs;
        lastUpdateNanos = nowNanos;
    }

    private void decide(long nowNanos) {
        long delivered = deliveredBps();
        boolean delayOveruse = hasQueue && queueUs > OVERUSE_US && queueUs >= prevQueueUs;
        boolean lossOveruse = loss > LOSS_HIGH;
        if (delayOveruse || lossOveruse) {
            if (delivered > 0 && (lastDecreaseNanos == Long.MIN_VALUE
                    || nowNanos - lastDecreaseNanos >= DECREASE_INTERVAL_NANOS)) {
                long target = delayOveruse ? (long) (delivered * 0.85) : (long) (delivered * (1 - loss / 2));
                // within one episode the delivered rate only now shows the full link (the queue started
                // mid-window): follow it; a new episode never raises the estimate
                boolean episode = lastDecreaseNanos != Long.MIN_VALUE && nowNanos - lastDecreaseNanos < HOLD_NANOS;
                estimate = Math.max(MIN_BPS, episode ? target : Math.min(estimate, target));
                lastDecreaseNanos = nowNanos;
                decreases++;
            }
            return;
        }
        if (estimate == UNLIMITED || queueUs >= NORMAL_US || loss >= LOSS_LOW
                || nowNanos - lastDecreaseNanos < HOLD_NANOS || lastUpdateNanos == Long.MIN_VALUE) {
            return;
        }
        double dt = Math.min(1.0, (nowNanos - lastUpdateNanos) / 1e9);
        long cap = 2 * delivered + 1_000_000;
        if (estimate < cap) {
            long grown = estimate + (long) Math.max(estimate * 0.08 * dt, 4_000 * dt);
            estimate = Math.min(cap, grown);
        }
    }

    private void rollBase(long nowNanos) {
        if (baseBucketStart == Long.MIN_VALUE) {
            baseBucketStart = nowNanos;
        } else if (nowNanos - baseBucketStart >= BASE_BUCKET_NANOS) {
            basePrev = baseCur;
            baseCur = Long.MAX_VALUE;
            baseBucketStart = nowNanos;
        }
    }

    /** The group's smallest one-way delay over the base is one queuing-delay sample. */
    private void closeGroup() {
        if (groupMinOwd == Long.MAX_VALUE) {
            return;
        }
        long base = Math.min(baseCur, basePrev);
        double q = Math.max(0, groupMinOwd - base);
        if (!hasQueue) {
            queueUs = q;
            prevQueueUs = q;
            hasQueue = true;
        } else {
            queueUs += (q - queueUs) / 4;
        }
        groupMinOwd = Long.MAX_VALUE;
    }

    private void addDelivered(long arrivalUs, int bytes) {
        if (ringSize > 0 && arrivalUs < newestArrivalUs - CLOCK_JUMP_US) {
            ringSize = 0; // the receiver's clock jumped back (its 24-bit reference time wrapped): start again
            ringSum = 0;
            newestArrivalUs = Long.MIN_VALUE;
        }
        if (ringSize == RING) {
            dropOldest();
        }
        int i = (ringHead + ringSize) & (RING - 1);
        ringArrival[i] = arrivalUs;
        ringBytes[i] = bytes;
        ringSize++;
        ringSum += bytes;
        newestArrivalUs = Math.max(newestArrivalUs, arrivalUs);
        while (ringSize > 1 && newestArrivalUs - ringArrival[ringHead] > RATE_WINDOW_US) {
            dropOldest();
        }
    }

    private void dropOldest() {
        ringSum -= ringBytes[ringHead];
        ringHead = (ringHead + 1) & (RING - 1);
        ringSize--;
    }

    /** Bits per second the receiver got over the last {@link #RATE_WINDOW_US} of arrivals, or 0 when that span is too short. */
    public long deliveredBps() {
        if (ringSize < 2) {
            return 0;
        }
        long span = newestArrivalUs - ringArrival[ringHead];
        if (span < MIN_RATE_SPAN_US) {
            return 0;
        }
        return (ringSum - ringBytes[ringHead]) * 8_000_000L / span;
    }

    /** The estimate in bits per second, or {@link #UNLIMITED} before the first congestion. */
    public long estimateBps() {
        return estimate;
    }

    /** The smoothed queuing delay in microseconds. */
    public long queuingDelayUs() {
        return (long) queueUs;
    }

    /** The smoothed loss ratio (0..1). */
    public double lossRatio() {
        return loss;
    }
}
