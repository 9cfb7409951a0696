package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A lossy, reordering, duplicating source: the subscriber's stream stays consistent. */
class RtpRewriterPropertyTest {
    @Test
    void outputIsUniqueOrderedAndMapsBack() {
        for (long seed = 1; seed <= 20; seed++) {
            run(new Random(seed));
        }
    }

    private static void run(Random r) {
        int n = 3000;
        int start = r.nextInt(65536);
        long srcTs0 = r.nextLong() & 0xffffffffL;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (r.nextInt(20) != 0) {
                order.add(i); // 5% loss
            }
            if (r.nextInt(30) == 0) {
                order.add(i); // duplicates
            }
        }
        for (int i = 0; i + 4 < order.size(); i += 1 + r.nextInt(10)) {
            Collections.shuffle(order.subList(i, i + 4), r); // local reordering
        }
        Set<Integer> padding = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (r.nextInt(25) == 0) {
                padding.add(i);
            }
        }
        padding.remove(order.get(0));

        RtpRewriter rw = new RtpRewriter(99, 90000, r.nextInt(65536), r.nextLong() & 0xffffffffL, 256);
        RtpPacket view = new RtpPacket();
        SeqUnwrapper outUnwrap = new SeqUnwrapper();
        Map<Long, Integer> outToSrc = new HashMap<>();
        Set<Integer> forwardedSrc = new HashSet<>();
        long tsDelta = Long.MIN_VALUE;
        long now = 0;
        for (int i : order) {
            now += 1;
            long ext = start + (long) i;
            byte[] pkt = RtpTestPackets.simple((int) ext & 0xffff, (srcTs0 + 3000L * i) & 0xffffffffL, 7,
                    padding.contains(i) ? 0 : 100);
            assertTrue(view.wrap(pkt, 0, pkt.length));
            long d = rw.decide(view, ext, now);
            if (!rw.apply(d, view, ext, now)) {
                int a = RtpRewriter.action(d);
                assertTrue(a == RtpRewriter.DROP_DUPLICATE || a == RtpRewriter.DROP_PADDING || a == RtpRewriter.DROP_TOO_OLD,
                        "action " + a);
                if (a == RtpRewriter.DROP_DUPLICATE) {
                    assertTrue(forwardedSrc.contains(i) || padding.contains(i));
                }
                continue;
            }
            assertFalse(forwardedSrc.contains(i), "forwarded twice: " + i);
            forwardedSrc.add(i);
            long outExt = outUnwrap.unwrap(view.sequence());
            assertFalse(outToSrc.containsKey(outExt), "output seq reused");
            outToSrc.put(outExt, i);
            long delta = (view.timestamp() - ((srcTs0 + 3000L * i) & 0xffffffffL)) & 0xffffffffL;
            if (tsDelta == Long.MIN_VALUE) {
                tsDelta = delta;
            }
            assertEquals(tsDelta, delta, "timestamp offset changed without a switch");
            assertEquals(ext, rw.sourceSeqFor(view.sequence()));
        }
        // order preserved: output seqs sorted by source seq are increasing
        List<Long> outs = new ArrayList<>(outToSrc.keySet());
        Collections.sort(outs);
        for (int k = 1; k < outs.size(); k++) {
            assertTrue(outToSrc.get(outs.get(k)) > outToSrc.get(outs.get(k - 1)));
        }
        // every media packet that arrived was forwarded (reordering depth 4 < window), except those older
        // than the packet that started the stream: their sequence numbers would precede the first output
        int first = outToSrc.get(outs.get(0));
        for (int i : order) {
            if (!padding.contains(i) && i > first) {
                assertTrue(forwardedSrc.contains(i), "media packet " + i + " lost by the rewriter");
            }
        }
    }
}
