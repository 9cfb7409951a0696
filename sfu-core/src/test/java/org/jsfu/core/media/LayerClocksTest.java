package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jsfu.core.rtcp.Ntp;
import org.junit.jupiter.api.Test;

/** Layer timelines from fabricated sender reports (RFC 3550 6.4.1). */
class LayerClocksTest {
    private static final long WALL = 1_764_000_000_000L;

    @Test
    void reportsAtDifferentInstantsGiveTheOffsetBetweenTheLayers() {
        LayerClocks c = new LayerClocks(3);
        assertEquals(LayerClocks.NONE, c.offset(0, 1, 90_000), "no reports yet");
        // layer 0 at instant W has timestamp 1_000_000; layer 1 at W + 1.5 s has 4_294_000_000 (wraps soon)
        c.onSenderReport(0, Ntp.fromUnixMillis(WALL), 1_000_000L);
        assertEquals(LayerClocks.NONE, c.offset(0, 1, 90_000), "layer 1 has no report");
        c.onSenderReport(1, Ntp.fromUnixMillis(WALL + 1500), 4_294_000_000L);
        // layer 1 at W had 4_294_000_000 - 135_000; so 0's = 1's + (1_000_000 - 4_293_865_000) mod 2^32
        long off = c.offset(0, 1, 90_000);
        assertEquals((1_000_000L - 4_293_865_000L) & 0xffffffffL, off);
        // a frame captured at W + 2 s: layer 1 has 4_294_000_000 + 45_000 (wrapped); mapped onto layer 0
        long ts1 = (4_294_000_000L + 45_000) & 0xffffffffL;
        assertEquals(1_000_000L + 180_000, (ts1 + off) & 0xffffffffL);
        // and the other way round
        assertEquals(ts1, (1_180_000L + c.offset(1, 0, 90_000)) & 0xffffffffL);
    }

    @Test
    void fractionsOfASecondAndForgetting() {
        LayerClocks c = new LayerClocks(2);
        long ntp = Ntp.fromUnixMillis(WALL) + (1L << 31); // + 0.5 s exactly
        c.onSenderReport(0, ntp, 48_000);
        c.onSenderReport(1, ntp - (1L << 30), 7); // 0.25 s earlier
        assertEquals((48_000L - (7 + 12_000)) & 0xffffffffL, c.offset(0, 1, 48_000));
        c.forget(1);
        assertEquals(LayerClocks.NONE, c.offset(0, 1, 48_000));
    }
}
