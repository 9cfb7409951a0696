package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StartupBufferTest {
    private static final long MS = 1_000_000L;

    @Test
    void lateFirstPacketIsAnchoredOnTheLeastDelayedOne() {
        StartupBuffer b = new StartupBuffer();
        byte[] p = {1, 2, 3};
        // packet 0 (ts 0) arrives at 1090 ms; the burst drains; packet 10 (ts 200 ms) arrives on time at 1200 ms
        b.add(p, 0, 3, 0, 0, 1090 * MS);
        for (int i = 1; i < 5; i++) {
            b.add(p, 0, 3, i * 960L, i, 1091 * MS + i * MS);
        }
        b.add(p, 0, 3, 10 * 960L, 10, 1200 * MS);
        b.add(p, 0, 3, 11 * 960L, 11, 1225 * MS);
        assertTrue(b.holding());
        assertEquals(1000 * MS, b.anchorArrival(), "1200 ms − 200 ms of RTP time");
        b.release();
        assertTrue(b.done());
        assertFalse(b.holding());
    }

    @Test
    void anchorNeverLaterThanTheFirstArrival() {
        StartupBuffer b = new StartupBuffer();
        byte[] p = {1};
        b.add(p, 0, 1, 1000, 5, 500 * MS);
        b.add(p, 0, 1, 1960, 6, 540 * MS); // later than its RTP place
        assertEquals(500 * MS, b.anchorArrival());
    }
}
