package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpusTocTest {
    private static int samples(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return OpusToc.packetSamples48k(b, 0, b.length);
    }

    @Test
    void frameSizesPerConfig() {
        assertEquals(480, samples(0 << 3));      // SILK NB 10 ms
        assertEquals(960, samples(1 << 3));      // SILK NB 20 ms
        assertEquals(1920, samples(2 << 3));     // SILK NB 40 ms
        assertEquals(2880, samples(3 << 3));     // SILK NB 60 ms
        assertEquals(960, samples(9 << 3));      // SILK WB 20 ms (what Chrome sends for voice)
        assertEquals(480, samples(12 << 3));     // Hybrid SWB 10 ms
        assertEquals(960, samples(15 << 3));     // Hybrid FB 20 ms
        assertEquals(120, samples(28 << 3));     // CELT FB 2.5 ms
        assertEquals(240, samples(29 << 3));
        assertEquals(480, samples(30 << 3));
        assertEquals(960, samples(31 << 3));     // CELT FB 20 ms
    }

    @Test
    void frameCountCodes() {
        assertEquals(1920, samples((31 << 3) | 1, 0, 0));        // code 1: two equal frames
        assertEquals(1920, samples((31 << 3) | 2, 1, 0, 0));     // code 2: two frames
        assertEquals(2880, samples((31 << 3) | 3, 3, 0));        // code 3: 3 frames of 20 ms
        assertEquals(5760, samples((16 << 3) | 3, 48));          // 48 x 2.5 ms = 120 ms
        assertEquals(-1, samples((31 << 3) | 3, 7));             // 140 ms is too long
        assertEquals(-1, samples((31 << 3) | 3, 0));             // zero frames
        assertEquals(-1, samples((31 << 3) | 3));                // missing count byte
        assertEquals(-1, OpusToc.packetSamples48k(new byte[0], 0, 0));
    }
}
