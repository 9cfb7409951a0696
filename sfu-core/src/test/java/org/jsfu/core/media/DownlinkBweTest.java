package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.bwe.SendSideEstimator;
import org.junit.jupiter.api.Test;

/**
 * The downlink estimate caps the video layer a subscriber gets, on a simulated link with a fake clock
 * ({@link DownlinkSimulation}: layers of 150 kbps, 500 kbps and 1.5 Mbps, 40 kbps of audio): with room,
 * the top layer; when the capacity falls below the top layer, a lower one, without flapping; when it comes
 * back, the top layer again. Audio is never capped.
 */
class DownlinkBweTest {
    private static final long S = 1_000_000_000L;

    /** The forwarded layer every 100 ms. */
    private static List<Integer> track(DownlinkSimulation sim, long nanos) {
        List<Integer> layers = new ArrayList<>();
        sim.run(nanos, () -> layers.add(sim.videoDown.currentLayer()));
        return layers;
    }

    /** {start, length} of each run of samples equal to {@code layer}. */
    private static List<int[]> runs(List<Integer> layers, int layer) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == layer) {
                if (i == 0 || layers.get(i - 1) != layer) {
                    out.add(new int[] {i, 0});
                }
                out.get(out.size() - 1)[1]++;
            }
        }
        return out;
    }

    private static long count(List<Integer> layers, java.util.function.IntPredicate p) {
        return layers.stream().filter(p::test).count();
    }

    @Test
    void constrainedLinkGetsALowerLayerAndTheTopLayerComesBack() {
        DownlinkSimulation sim = new DownlinkSimulation();
        List<Integer> open = track(sim, 20 * S);
        assertEquals(2, open.get(open.size() - 1), "a 10 Mbps link carries the top layer: " + open);
        assertEquals(SendSideEstimator.UNLIMITED, sim.rtcp.bwe.estimator().estimateBps(), "no congestion seen");
        assertTrue(sim.rtcp.bwe.feedbacks > 300, "feedback flows: " + sim.rtcp.bwe.feedbacks);

        sim.capacityBps = 1_000_000; // below the top layer (1.5 Mbps) plus audio
        long audioBefore = sim.audioPublished - sim.audioSent;
        List<Integer> constrained = track(sim, 90 * S);
        List<Integer> settled = constrained.subList(50, constrained.size()); // after 5 s
        assertTrue(count(settled, l -> l == 1) > settled.size() * 0.85,
                "the middle layer most of the time once the link showed congestion: " + constrained);
        // the top layer is tried again now and then (the estimate grows back), each time briefly, and the
        // tries get rarer (the hold doubles after each failed one): no flapping
        List<int[]> tops = runs(constrained, 2);
        assertTrue(tops.size() <= 5, tops.size() + " tries of the top layer in 90 s: " + constrained);
        for (int[] run : tops.subList(1, tops.size())) { // the first is the 10 Mbps -> 1 Mbps drop itself
            assertTrue(run[1] <= 10, "a try of the top layer lasts at most a second: " + constrained);
            assertTrue(run[0] >= 80, "no try before the estimate grew back (8 s): " + constrained);
        }
        assertTrue(sim.videoDown.bweLowered >= 1);
        assertEquals(audioBefore, sim.audioPublished - sim.audioSent, "every audio packet is forwarded");

        sim.capacityBps = 10_000_000;
        List<Integer> restored = track(sim, 90 * S);
        assertEquals(2, restored.get(restored.size() - 1), "the top layer again: " + restored);
        assertEquals(UpTrack.MAX_LAYERS - 1, sim.videoDown.bweCap, "uncapped");
        assertEquals(audioBefore, sim.audioPublished - sim.audioSent, "every audio packet is forwarded");
    }

    @Test
    void aLinkBelowTheMiddleLayerGetsTheLowestAndAudioStillFlows() {
        DownlinkSimulation sim = new DownlinkSimulation();
        sim.run(5 * S, null);
        sim.capacityBps = 400_000;
        List<Integer> constrained = track(sim, 60 * S);
        List<Integer> settled = constrained.subList(100, constrained.size());
        assertTrue(count(settled, l -> l == 0) > settled.size() * 0.85, "the lowest layer: " + constrained);
        assertEquals(0, sim.videoDown.bweCap);
        assertEquals(UpTrack.MAX_LAYERS - 1, sim.videoDown.targetLayer(), "the subscriber's own choice is kept");
        assertEquals(UpTrack.MAX_LAYERS - 1, sim.audioDown.bweCap, "audio is never capped");
        assertTrue(sim.audioSent > sim.audioPublished - 50, "audio flows: " + sim.audioSent + "/" + sim.audioPublished);
    }
}
