package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which layers count as sent, with time as a parameter (milliseconds from an arbitrary origin). */
class LayerActivityTest {
    private static final long T0 = 7_000_000_000L;
    private final LayerActivity a = new LayerActivity(4);

    private static long ms(long t) {
        return T0 + t * 1_000_000L;
    }

    /** Packets of {@code layers} every {@code periodMs} in [from, to), one per layer per period. */
    private void send(long fromMs, long toMs, long periodMs, int... layers) {
        for (long t = fromMs; t < toMs; t += periodMs) {
            for (int l : layers) {
                a.onPacket(l, ms(t));
            }
        }
    }

    @Test
    void aLayerIsActiveFromItsFirstPacket() {
        assertEquals(0, a.mask(ms(0)));
        a.onPacket(2, ms(0));
        assertEquals(0b100, a.mask(ms(0)));
        a.onPacket(0, ms(5));
        assertEquals(0b101, a.mask(ms(5)));
    }

    @Test
    void aStoppedLayerIsNoticedHalfASecondAfterItsLastPacket() {
        send(0, 2000, 33, 0, 2); // 30 fps; the top layer's last packet is at t = 1980
        send(2000, 2479, 33, 0);
        assertEquals(0b101, a.mask(ms(2479)), "499 ms after its last packet it still counts");
        assertEquals(0b001, a.mask(ms(2480)), "500 ms without a packet: stopped");
    }

    @Test
    void aBurstyLayerDoesNotStopAndAStoppedOneReturnsOnlyAfterTenGoodSeconds() {
        send(0, 1000, 33, 0, 2);
        send(1000, 1290, 33, 0); // a 300 ms gap: shorter than a cycle, and each cycle still had 5 packets
        send(1290, 2000, 33, 0, 2);
        for (long t = 2000; t < 3000; t += 250) { // then bursts: a 6-packet frame every 250 ms
            for (int i = 0; i < 6; i++) {
                a.onPacket(2, ms(t + i));
            }
            a.onPacket(0, ms(t));
        }
        assertEquals(0b101, a.mask(ms(3000)), "neither the gap nor the bursts are a stop");

        send(3000, 4000, 33, 0); // a real stop
        assertEquals(0b001, a.mask(ms(4000)));
        send(4000, 9000, 33, 0, 2); // back for 5 s
        send(9000, 9600, 33, 0); // gone again: the count of good cycles starts over
        send(9600, 19_000, 33, 0, 2); // 9.4 s of packets
        assertEquals(0b001, a.mask(ms(19_000)), "not yet 20 good cycles in a row");
        send(19_000, 20_200, 33, 0, 2);
        assertEquals(0b101, a.mask(ms(20_200)), "20 good cycles (10 s) after it came back");
    }

    /**
     * The publisher's whole stream pauses 607 ms (its network or CPU hiccups): no 500 ms cycle went without
     * packets, so, as with LiveKit's cycle checks, no layer stopped; a layer silent while others send does.
     */
    @Test
    void aShortPauseOfEveryLayerIsNotAStop() {
        send(0, 700, 33, 0, 2); // last packets at 693 ms
        assertEquals(0b101, a.mask(ms(1250)), "nothing yet from any layer: not a stop of one");
        send(1300, 2000, 33, 0, 2);
        assertEquals(0b101, a.mask(ms(2000)), "both layers go on after the pause");
        send(2000, 2600, 33, 0);
        assertEquals(0b001, a.mask(ms(2600)), "the top layer silent while the lowest sends: stopped");
    }

    /** Nanosecond clocks (System.nanoTime) may be negative: only differences of times count. */
    @Test
    void aStoppedLayerIsNoticedWithANegativeClockToo() {
        LayerActivity n = new LayerActivity(3);
        long t0 = -9_000_000_000L;
        for (long t = 0; t < 1491; t += 10) { // the top layer's last packet at 990 ms
            n.onPacket(0, t0 + t * 1_000_000L);
            if (t < 1000) {
                n.onPacket(2, t0 + t * 1_000_000L);
            }
        }
        assertEquals(0b001, n.mask(t0 + 1491 * 1_000_000L), "501 ms without a top packet, before its cycle closes");
    }

    @Test
    void theTopLayersNeedFivePacketsPerCycleTheLowestOne() {
        send(0, 1000, 33, 0, 1);
        send(1000, 3000, 120, 0, 1); // ~4 packets per 500 ms cycle
        assertEquals(0b001, a.mask(ms(3000)), "layer 1 at 8 packets/s counts as stopped; layer 0 needs one per cycle");
        send(3000, 5000, 33, 0, 1);
        send(5000, 5300, 250, 0);
        assertEquals(0b001, a.mask(ms(5300)));
        send(5300, 7200, 400, 0); // one packet every 400 ms keeps the lowest layer
        assertEquals(0b001, a.mask(ms(7200)));
    }

    @Test
    void screenShareCountsAPacketPerTwoSeconds() {
        a.setScreenShare(true);
        send(0, 8000, 1500, 0, 1);
        assertEquals(0b011, a.mask(ms(8000)));
        assertEquals(0b000, a.mask(ms(8000 + 2000)), "two seconds of nothing");
        send(10_000, 13_000, 1000, 1);
        assertEquals(0b010, a.mask(ms(13_000)), "back after one good 2 s cycle");
    }

    @Test
    void resetCountsEveryLayerAgainFromItsFirstPacket() {
        send(0, 1000, 33, 0, 2);
        send(1000, 2000, 33, 0);
        assertEquals(0b001, a.mask(ms(2000)));
        a.reset();
        assertEquals(0, a.mask(ms(2000)));
        a.onPacket(2, ms(2010));
        assertEquals(0b100, a.mask(ms(2010)), "after an unmute the top layer is back at once");
    }
}
