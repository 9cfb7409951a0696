package org.jsfu.core.bwe;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jsfu.core.rtcp.Rtcp;
import org.jsfu.core.rtcp.TwccFeedback;
import org.junit.jupiter.api.Test;

/**
 * Transport-wide feedback from a hostile or broken subscriber: random bytes, truncations and bit flips
 * of valid packets, numbers never sent, absurd arrival times. Parsing never throws (it accepts or
 * refuses), and whatever parses keeps the estimator sane: never below its floor, queue and loss finite.
 */
class TwccFeedbackFuzzTest {
    @Test
    void randomAndMutatedFeedbackNeverBreaksTheEstimate() {
        Random r = new Random(42);
        SendHistory history = new SendHistory(1024);
        SendSideEstimator est = new SendSideEstimator();
        TwccFeedback fb = new TwccFeedback(512);
        byte[] b = new byte[2048];
        long[] arrivals = new long[300];
        long now = 0;
        int parsed = 0;
        for (int iter = 0; iter < 200_000; iter++) {
            now += 1_000_000L + r.nextInt(5_000_000);
            for (int k = r.nextInt(20); k > 0; k--) {
                history.onSend(50 + r.nextInt(1200), now);
            }
            int len;
            switch (iter % 4) {
                case 0 -> { // random bytes with a TWCC header
                    len = 20 + r.nextInt(200);
                    for (int i = 0; i < len; i++) {
                        b[i] = (byte) r.nextInt(256);
                    }
                    Rtcp.writeHeader(b, 0, Rtcp.FMT_TWCC, Rtcp.RTPFB, len & ~3);
                }
                default -> { // a valid packet about recent numbers, then mutated or cut
                    int n = 1 + r.nextInt(arrivals.length);
                    long t = r.nextInt(1 << 30);
                    for (int i = 0; i < n; i++) {
                        t += r.nextInt(4) == 0 ? -r.nextInt(100_000) : r.nextInt(20_000);
                        arrivals[i] = r.nextInt(5) == 0 ? TwccFeedback.LOST : t;
                    }
                    int base = (int) (history.sent() - r.nextInt(400)) & 0xffff;
                    len = TwccFeedback.write(b, 0, 1, 2, base, iter & 0xff, arrivals, n);
                    if (len < 0) {
                        continue;
                    }
                    if (iter % 4 == 2) {
                        for (int k = 1 + r.nextInt(4); k > 0; k--) {
                            b[12 + r.nextInt(len - 12)] ^= (byte) (1 << r.nextInt(8));
                        }
                    } else if (iter % 4 == 3) {
                        len = 12 + r.nextInt(len - 11);
                    }
                }
            }
            if (fb.parse(b, 0, len)) {
                parsed++;
                est.onFeedback(fb, history, now);
            }
            long e = est.estimateBps();
            assertTrue(e == SendSideEstimator.UNLIMITED || e >= SendSideEstimator.MIN_BPS, "estimate " + e);
            assertTrue(est.queuingDelayUs() >= 0 && est.lossRatio() >= 0 && est.lossRatio() <= 1);
        }
        assertTrue(parsed > 50_000, "enough inputs reached the estimator: " + parsed);
        assertTrue(est.decreases > 0, "the random feedback did exercise the decrease path");
    }
}
