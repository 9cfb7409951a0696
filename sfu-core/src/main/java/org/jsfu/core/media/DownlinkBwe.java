package org.jsfu.core.media;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jsfu.core.bwe.SendHistory;
import org.jsfu.core.bwe.SendSideEstimator;
import org.jsfu.core.rtcp.TwccFeedback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downlink of one subscriber PC, on the room's loop: the transport-wide sequence numbers its
 * {@link DownTrack}s write ({@link SendHistory}), the transport-wide feedback the subscriber sends
 * (RTPFB FMT 15), the {@link SendSideEstimator} fed by it, and the video layer each track may have.
 *
 * <p>Allocation after each feedback: audio is never capped; its rate comes off the estimate first. Each
 * video track starts at its lowest flowing layer; then, round robin, a track moves up one flowing layer
 * (never past the one it asked for) while the rest of the budget pays for it. A track's cap
 * ({@link DownTrack#bweCap}) goes down at once when the allocation is lower. It goes up only when the higher
 * layer fits with {@link #UP_HEADROOM} to spare, and only after that has held for the track's hold time
 * ({@link #UP_HOLD_NANOS}, doubled up to {@link #MAX_HOLD_NANOS} each time a raised cap has to come down again
 * within {@link #FAILED_RAISE_NANOS}, back to the start when a raise lasts longer). The gap between fitting and
 * fitting with headroom, and the hold, keep a link near a layer's rate from flapping.
 * With no congestion seen yet (the estimate is unlimited) nothing is capped.
 */
final class DownlinkBwe {
    private static final Logger log = LoggerFactory.getLogger(DownlinkBwe.class);
    static final long UP_HOLD_NANOS = 3_000_000_000L;
    static final long MAX_HOLD_NANOS = 48_000_000_000L;
    static final long FAILED_RAISE_NANOS = 15_000_000_000L;
    static final double UP_HEADROOM = 1.15;
    /**
     * Packets of the PC's transport-wide counter that feedback can still be matched to: feedback describes
     * packets sent up to a round trip plus the receiver's feedback interval (50-250 ms) ago, so the history
     * must hold packet rate x that; 8192 covers 5000 packets/s (a hundred microphones) for 1.6 s, and stays
     * well inside the 16-bit number's half range that {@link SendHistory#slot} extends over.
     */
    static final int HISTORY = 8192;
    /**
     * Entries (packet status count) of a feedback packet that can be read; a larger one is ignored whole.
     * As many as the history holds: a receiver describes every packet since its last feedback, so after an
     * outage one feedback carries a long run of lost packets (section 3.1 allows 65535; at 5000 packets/s
     * 1024 was 205 ms), exactly the loss the estimate must see.
     */
    static final int MAX_FEEDBACK_ENTRIES = HISTORY;
    private static final int TOP = UpTrack.MAX_LAYERS - 1;

    private final LongAdder ackedTotal;
    private SendHistory history;
    private TwccFeedback feedback;
    private SendSideEstimator estimator;
    private int[] alloc = new int[8];
    private int[] want = new int[8];
    /** Feedback packets that matched packets we sent. */
    long feedbacks;

    /** @param ackedTotal where the packets acknowledged by feedback are counted too (a server-wide metric) */
    DownlinkBwe(LongAdder ackedTotal) {
        this.ackedTotal = ackedTotal;
    }

    /** The PC's transport-wide counter, created when a track first negotiates transport-cc. */
    SendHistory history() {
        if (history == null) {
            history = new SendHistory(HISTORY);
            feedback = new TwccFeedback(MAX_FEEDBACK_ENTRIES);
            estimator = new SendSideEstimator();
        }
        return history;
    }

    /** The estimate, or null before transport-cc was negotiated. */
    SendSideEstimator estimator() {
        return estimator;
    }

    /** A transport-wide feedback packet (RTPFB FMT 15) from the subscriber; malformed ones are ignored. */
    void onFeedback(byte[] b, int off, int len, List<DownTrack> downs, long nowNanos) {
        if (history == null || !feedback.parse(b, off, len)) {
            return;
        }
        long before = estimator.packetsAcked;
        estimator.onFeedback(feedback, history, nowNanos);
        long acked = estimator.packetsAcked - before;
        if (acked > 0) {
            feedbacks++;
            if (ackedTotal != null) {
                ackedTotal.add(acked);
            }
        }
        allocate(downs, estimator.estimateBps(), nowNanos);
    }

    /** Sets each video track's {@link DownTrack#bweCap} for an estimate of {@code estimateBps}. */
    void allocate(List<DownTrack> downs, long estimateBps, long nowNanos) {
        int n = downs.size();
        if (estimateBps == SendSideEstimator.UNLIMITED) {
            for (int i = 0; i < n; i++) {
                DownTrack d = downs.get(i);
                d.bweCap = TOP;
                d.bweUpSinceNanos = Long.MIN_VALUE;
            }
            return;
        }
        if (alloc.length < n) { // grows with the subscriptions, not per packet
            alloc = new int[Math.max(n, 2 * alloc.length)];
            want = new int[alloc.length];
        }
        long budget = estimateBps;
        for (int i = 0; i < n; i++) {
            DownTrack d = downs.get(i);
            want[i] = -1;
            if (!d.negotiated || d.disabled) {
                continue;
            }
            if (!d.up.video) {
                budget -= d.up.layerBps(0, nowNanos);
                continue;
            }
            int flowing = d.up.flowingLayers(nowNanos);
            if (flowing == 0) {
                continue;
            }
            want[i] = LayerSelector.pick(d.targetLayer(), flowing);
            alloc[i] = Integer.numberOfTrailingZeros(flowing);
            budget -= d.up.layerBps(alloc[i], nowNanos);
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i = 0; i < n; i++) {
                if (want[i] <= alloc[i]) {
                    continue;
                }
                DownTrack d = downs.get(i);
                int flowing = d.up.flowingLayers(nowNanos);
                int next = alloc[i] + 1;
                while (next < want[i] && (flowing & (1 << next)) == 0) {
                    next++;
                }
                long have = d.up.layerBps(alloc[i], nowNanos);
                long rate = d.up.layerBps(next, nowNanos);
                long need = next > d.bweCap ? (long) (rate * UP_HEADROOM) - have : rate - have;
                if (budget >= need) {
                    budget -= rate - have;
                    alloc[i] = next;
                    grew = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (want[i] < 0) {
                continue;
            }
            DownTrack d = downs.get(i);
            int cap = alloc[i] >= want[i] ? TOP : alloc[i];
            if (cap < d.bweCap) {
                boolean failedRaise = d.bweRaisedAtNanos != Long.MIN_VALUE
                        && nowNanos - d.bweRaisedAtNanos < FAILED_RAISE_NANOS;
                d.bweHoldNanos = failedRaise ? Math.min(MAX_HOLD_NANOS, 2 * d.bweHoldNanos) : UP_HOLD_NANOS;
                d.bweCap = cap;
                d.bweUpSinceNanos = Long.MIN_VALUE;
                d.bweRaisedAtNanos = Long.MIN_VALUE;
                d.bweLowered++;
                log.debug("downlink cap lowered track={} cap={} estimate={} hold_ms={}", d.trackSid, cap, estimateBps,
                        d.bweHoldNanos / 1_000_000);
            } else if (cap > d.bweCap) {
                if (d.bweUpSinceNanos == Long.MIN_VALUE) {
                    d.bweUpSinceNanos = nowNanos;
                } else if (nowNanos - d.bweUpSinceNanos >= d.bweHoldNanos) {
                    d.bweCap = cap;
                    d.bweUpSinceNanos = Long.MIN_VALUE;
                    d.bweRaisedAtNanos = nowNanos;
                    log.debug("downlink cap raised track={} cap={} estimate={}", d.trackSid, cap, estimateBps);
                }
            } else {
                d.bweUpSinceNanos = Long.MIN_VALUE;
            }
        }
    }
}
