package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnwrapperTest {
    @Test
    void seqCountsCyclesAcrossWraps() {
        SeqUnwrapper u = new SeqUnwrapper();
        assertEquals(65533, u.unwrap(65533));
        assertEquals(65534, u.unwrap(65534));
        assertEquals(65535, u.unwrap(65535));
        assertEquals(65536, u.unwrap(0));
        assertEquals(65537, u.unwrap(1));
        // second wrap
        long ext = 65537;
        for (int s = 2; s < 65536 + 10; s++) {
            ext = u.unwrap(s & 0xffff);
        }
        assertEquals(65536 + 65536 + 9, ext);
    }

    @Test
    void seqReorderingAcrossWrapKeepsPreviousCycle() {
        SeqUnwrapper u = new SeqUnwrapper();
        u.unwrap(65530);
        assertEquals(65536 + 2, u.unwrap(2));
        assertEquals(65535, u.unwrap(65535)); // late, before the wrap
        assertEquals(65536 + 1, u.unwrap(1)); // late, after the wrap
        assertEquals(65536 + 2, u.highest());
        assertEquals(65536 + 3, u.unwrap(3));
        assertEquals(65536 + 3, u.unwrap(3)); // duplicate
        assertEquals(65536 + 3, u.peek(3));
        assertEquals(65536 + 4, u.peek(4));
        assertEquals(65536 + 3, u.highest()); // peek does not advance
    }

    @Test
    void seqReorderedBeforeTheFirstGoesNegative() {
        SeqUnwrapper u = new SeqUnwrapper();
        assertEquals(0, u.unwrap(0));
        assertEquals(-1, u.unwrap(65535));
        assertEquals(1, u.unwrap(1));
    }

    @Test
    void tsCountsCyclesAndReordering() {
        TsUnwrapper u = new TsUnwrapper();
        assertEquals(0xFFFFFF00L, u.unwrap(0xFFFFFF00L));
        assertEquals(0x1_0000_0100L, u.unwrap(0x100));
        assertEquals(0xFFFFFFF0L, u.unwrap(0xFFFFFFF0L)); // late
        assertEquals(0x1_0000_0100L + 960, u.unwrap(0x100 + 960));
        assertEquals(0x1_0000_0100L + 960, u.highest());
        TsUnwrapper v = new TsUnwrapper();
        v.unwrap(10);
        assertEquals(0x7FFFFFFAL, v.unwrap(0x7FFFFFFAL)); // big step forward, under half the range
        assertEquals(5, v.unwrap(5)); // behind
        assertEquals(0xFFFFFFEAL, v.unwrap(0xFFFFFFEAL));
        assertEquals(0x1_0000_0014L, v.unwrap(20));
        assertEquals(0xFFFFFFEAL, v.unwrap((int) 0xFFFFFFEAL)); // a negative int is taken as unsigned
    }
}
