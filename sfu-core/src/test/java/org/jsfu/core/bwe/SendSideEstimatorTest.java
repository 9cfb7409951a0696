package org.jsfu.core.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jsfu.core.rtcp.TwccFeedback;
import org.junit.jupiter.api.Test;

/**
 * The estimator on hand-made feedback with a fake clock: a sender at a fixed rate behind a FIFO link
 * (receiver clock offset by an arbitrary amount), feedback every 50 ms.
 */
class SendSideEstimatorTest {
    private static final long MS = 1_000_000L;
    private final SendHistory history = new SendHistory(4096);
    private final SendSideEstimator est = new SendSideEstimator();
    private final TwccFeedback parsed = new TwccFeedback(1024);
    private final byte[] buf = new byte[8192];
    private final long[] arrivals = new long[1024];
    private final Random random = new Random(7);
    private long now = 3_000_000_000L;
    private long linkFree;
    private int pending;
    private int pendingBase = -1;
    private long clockOffsetUs = 123_000_000L;

    /**
     * {@code seconds} of 1000-byte packets at {@code sendBps} through a link of {@code linkBps} (infinite
     * queue), each lost with probability {@code loss}; feedback every 50 ms.
     */
    private void run(double seconds, long sendBps, long linkBps, double loss) {
        long gap = 1000L * 8 * 1_000_000_000L / sendBps;
        long end = now + (long) (seconds * 1e9);
        long nextFeedback = now + 50 * MS;
        while (now < end) {
            int seq = history.onSend(1000, now);
            long dep = Math.max(now, linkFree) + 1000L * 8 * 1_000_000_000L / linkBps;
            linkFree = dep;
            if (pendingBase < 0) {
                pendingBase = seq;
            }
            // receiver clock: offset from ours (123 s ahead at first), microseconds, 15 ms of propagation
            arrivals[pending++] = random.nextDouble() < loss ? TwccFeedback.LOST : (dep + 15 * MS) / 1000 + clockOffsetUs;
            now += gap;
            if (now >= nextFeedback || pending == arrivals.length) {
                int len = TwccFeedback.write(buf, 0, 1, 2, pendingBase, 0, arrivals, pending);
                if (len > 0) {
                    assertTrue(parsed.parse(buf, 0, len));
                    est.onFeedback(parsed, history, now);
                }
                pending = 0;
                pendingBase = -1;
                nextFeedback = now + 50 * MS;
            }
        }
    }

    @Test
    void noCongestionNoLimit() {
        run(10, 1_000_000, 10_000_000, 0);
        assertEquals(SendSideEstimator.UNLIMITED, est.estimateBps());
        long d = est.deliveredBps();
        assertTrue(d > 950_000 && d < 1_100_000, "delivered " + d);
        assertTrue(est.queuingDelayUs() < 5_000, "no queue: " + est.queuingDelayUs());
        assertEquals(0, est.decreases);
    }

    @Test
    void aGrowingQueueDropsTheEstimateBelowTheLinkRate() {
        run(2, 500_000, 1_000_000, 0);
        run(2, 2_000_000, 1_000_000, 0); // twice what the link carries: the queue grows 1 s per second
        long e = est.estimateBps();
        assertTrue(e >= 700_000 && e <= 950_000, "0.85 x the delivered rate: " + e);
        assertTrue(est.queuingDelayUs() > SendSideEstimator.OVERUSE_US, "queue " + est.queuingDelayUs());
    }

    @Test
    void aGrowingQueueOnAFastLinkDropsTheEstimateToo() {
        // 12.5k packets/s on the saturated link: the delivered-rate window (500 ms of arrivals) holds 6250
        run(1, 40_000_000, 100_000_000, 0);
        run(2, 200_000_000, 100_000_000, 0);
        long e = est.estimateBps();
        assertTrue(est.decreases > 0, "the queue grows 1 s per second: the estimate must come down");
        assertTrue(e >= 70_000_000 && e <= 95_000_000, "0.85 x the delivered rate: " + e);
    }

    @Test
    void lossBacksOffAndAClearLinkGrowsTheEstimateBackSlowly() {
        run(2, 1_000_000, 10_000_000, 0);
        run(2, 1_000_000, 10_000_000, 0.3);
        long backedOff = est.estimateBps();
        assertTrue(backedOff < 900_000 && backedOff > 500_000, "delivered x (1 - loss / 2): " + backedOff);
        run(0.9, 1_000_000, 10_000_000, 0); // loss EWMA decays; then a one-second hold after the last decrease
        long held = est.estimateBps();
        run(5, 1_000_000, 10_000_000, 0);
        long grown = est.estimateBps();
        assertTrue(grown > held, "grows once clear: " + held + " -> " + grown);
        assertTrue(grown < held * 1.6, "about 8 % a second: " + held + " -> " + grown);
        run(60, 1_000_000, 10_000_000, 0);
        long capped = est.estimateBps();
        assertTrue(capped <= 2 * est.deliveredBps() + 1_000_000 + 50_000,
                "never past 2 x delivered + 1 Mbps while app-limited: " + capped);
    }

    @Test
    void theReceiversClockJumpingBackDoesNotStopTheRateOrTheDecisions() {
        run(2, 1_000_000, 10_000_000, 0);
        clockOffsetUs = -1_073_741_824_000L; // its 24-bit reference time wrapped (2^24 x 64 ms back)
        run(2, 1_000_000, 10_000_000, 0);
        long d = est.deliveredBps();
        assertTrue(d > 950_000 && d < 1_100_000, "delivered after the jump " + d);
        assertTrue(est.queuingDelayUs() < 5_000, "no queue: " + est.queuingDelayUs());
        run(2, 2_000_000, 1_000_000, 0);
        assertTrue(est.estimateBps() < 1_000_000, "still reacts: " + est.estimateBps());
    }

    @Test
    void historyNumbersWrapAndOldNumbersAreForgotten() {
        SendHistory h = new SendHistory(16);
        int first = h.onSend(100, 0);
        assertEquals(1, first);
        for (int i = 0; i < 70_000; i++) {
            h.onSend(100 + (i & 7), i);
        }
        int last = (int) (h.sent() & 0xffff);
        assertTrue(h.slot(last) >= 0);
        assertEquals(100 + (69_999 & 7), h.size(h.slot(last)));
        assertEquals(-1, h.slot(last - 16), "left the history");
        assertEquals(-1, h.slot(last + 1), "not sent yet");
        int s = h.slot(last);
        assertTrue(h.ack(s));
        assertTrue(!h.ack(s), "acknowledged once");
    }
}
