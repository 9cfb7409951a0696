package org.jsfu.core.media;

import static org.jsfu.core.media.LayerSelector.DROP;
import static org.jsfu.core.media.LayerSelector.FORWARD;
import static org.jsfu.core.media.LayerSelector.SWITCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-subscriber layer choice, packet by packet (layers as bit masks of what flows). */
class LayerSelectorTest {
    private static final int L0 = 1;
    private static final int L01 = 3;
    private static final int L012 = 7;

    @Test
    void startsOnAKeyFrameOnly() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(0);
        assertEquals(-1, s.current());
        assertTrue(s.waiting());
        assertEquals(DROP, s.onPacket(0, false, L01));
        assertEquals(0, s.keyframeLayer(), "a key frame is wanted on the target layer");
        assertEquals(DROP, s.onPacket(1, true, L01), "a key frame of a layer above the target is not taken");
        assertEquals(SWITCH, s.onPacket(0, true, L01));
        assertEquals(FORWARD, s.onPacket(0, false, L01));
        assertEquals(DROP, s.onPacket(1, false, L01));
        assertFalse(s.waiting());
        assertEquals(-1, s.keyframeLayer());
    }

    @Test
    void switchesUpAndDownOnlyOnTheNewLayersKeyFrame() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(0);
        s.onPacket(0, true, L012);
        s.setTarget(2);
        assertEquals(FORWARD, s.onPacket(0, false, L012), "the current layer flows until the switch");
        assertEquals(2, s.keyframeLayer());
        assertEquals(DROP, s.onPacket(2, false, L012));
        assertEquals(FORWARD, s.onPacket(0, false, L012));
        assertEquals(SWITCH, s.onPacket(2, true, L012));
        assertEquals(DROP, s.onPacket(0, false, L012));
        assertEquals(-1, s.keyframeLayer());
        s.setTarget(1);
        assertEquals(FORWARD, s.onPacket(2, false, L012));
        assertEquals(1, s.keyframeLayer());
        assertEquals(DROP, s.onPacket(0, true, L012), "going down from 2 to 1: a key frame of 0 is not it");
        assertEquals(SWITCH, s.onPacket(1, true, L012));
        assertEquals(1, s.current());
    }

    @Test
    void aKeyFrameOnTheWayUpIsTakenWhileTheTargetsIsAwaited() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(0);
        s.onPacket(0, true, L012);
        s.setTarget(2);
        assertEquals(SWITCH, s.onPacket(1, true, L012), "1 is closer to the target than 0");
        assertEquals(2, s.keyframeLayer(), "and 2 is still wanted");
        assertEquals(SWITCH, s.onPacket(2, true, L012));
    }

    @Test
    void fallsBackWhenTheLayerStopsAndReturnsWhenItFlowsAgain() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(2);
        assertEquals(SWITCH, s.onPacket(2, true, L012));
        // layer 2 stops: the caller's mask no longer has it
        assertEquals(DROP, s.onPacket(1, false, L01));
        assertEquals(1, s.desired());
        assertEquals(1, s.keyframeLayer());
        assertEquals(SWITCH, s.onPacket(0, true, L01), "the current layer is gone: any lower key frame will do");
        assertEquals(1, s.keyframeLayer());
        assertEquals(SWITCH, s.onPacket(1, true, L01));
        assertEquals(-1, s.keyframeLayer());
        // layer 2 comes back
        assertEquals(DROP, s.onPacket(2, false, L012));
        assertEquals(2, s.keyframeLayer());
        assertEquals(FORWARD, s.onPacket(1, false, L012));
        assertEquals(SWITCH, s.onPacket(2, true, L012));
    }

    /** A stopped layer that still trickles packets (key frames too) does not pull the subscriber back up. */
    @Test
    void aPacketOfAStoppedLayerDoesNotMakeItDesired() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(2);
        assertEquals(SWITCH, s.onPacket(2, true, L012));
        assertEquals(SWITCH, s.onPacket(1, true, L01), "layer 2 stopped: down on the first key frame of 1");
        assertEquals(DROP, s.onPacket(2, true, L01), "a key frame of the stopped layer 2 is not taken");
        assertEquals(-1, s.keyframeLayer(), "and none is asked of it");
        assertEquals(FORWARD, s.onPacket(1, false, L01));
        assertEquals(DROP, s.onPacket(0, true, 0), "nothing counts as sent: the current layer is kept");
    }

    /**
     * Nothing counts as sent (every layer silent for a moment, LiveKit's "feed may be dry") while a layer is
     * forwarded: the subscriber stays on it, takes no other layer's key frame and asks none of them.
     */
    @Test
    void whenNothingFlowsTheCurrentLayerIsKept() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(2);
        assertEquals(SWITCH, s.onPacket(2, true, L012));
        assertEquals(DROP, s.onPacket(0, true, 0), "a low key frame does not take a subscriber off its layer");
        assertEquals(-1, s.keyframeLayer(), "and no key frame is asked of another layer");
        assertEquals(DROP, s.onPacket(1, false, 0));
        assertEquals(-1, s.keyframeLayer());
        assertEquals(FORWARD, s.onPacket(2, false, 0));
        assertEquals(2, s.current());
        s.reset();
        assertEquals(SWITCH, s.onPacket(0, true, 0), "nothing forwarded (after a pause): the packet's own layer is taken");
    }

    @Test
    void theTargetIsCappedByWhatFlows() {
        assertEquals(1, LayerSelector.pick(2, L01), "HIGH of a two-layer track: the top one");
        assertEquals(0, LayerSelector.pick(2, L0));
        assertEquals(1, LayerSelector.pick(0, 0b110), "LOW not sent: the lowest one above");
        assertEquals(-1, LayerSelector.pick(2, 0));
        LayerSelector s = new LayerSelector(4);
        s.setTarget(0);
        assertEquals(SWITCH, s.onPacket(1, true, 0b110));
        assertEquals(1, s.current());
    }

    @Test
    void resetWaitsForAKeyFrameAgain() {
        LayerSelector s = new LayerSelector(4);
        s.setTarget(1);
        s.onPacket(1, true, L01);
        s.reset();
        assertEquals(DROP, s.onPacket(1, false, L01));
        assertTrue(s.waiting());
        assertEquals(1, s.keyframeLayer());
        assertEquals(SWITCH, s.onPacket(1, true, L01));
    }
}
