package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketRingTest {
    @Test
    void getReturnsStoredCopyAndMissesAfterOverwrite() {
        PacketRing ring = new PacketRing(8, 1500);
        byte[] dst = new byte[1500];
        for (long s = 100; s < 108; s++) {
            byte[] pkt = RtpTestPackets.simple((int) s, s * 960, 1, 50);
            assertTrue(ring.put(s, pkt, 0, pkt.length));
            Arrays.fill(pkt, (byte) 0); // the ring keeps its own copy
        }
        int n = ring.get(103, dst, 0);
        assertEquals(62, n);
        assertArrayEquals(RtpTestPackets.simple(103, 103 * 960, 1, 50), Arrays.copyOf(dst, n));
        // 108 overwrites 100's slot
        byte[] p108 = RtpTestPackets.simple(108, 0, 1, 10);
        assertTrue(ring.put(108, p108, 0, p108.length));
        assertEquals(-1, ring.get(100, dst, 0));
        assertEquals(-1, ring.find(100));
        assertEquals(22, ring.get(108, dst, 0));
        int slot = ring.find(101);
        assertEquals(101, RtpHeader.sequence(ring.slot(slot), 0));
        assertEquals(62, ring.slotLength(slot));
        assertEquals(108, ring.highest());
    }

    @Test
    void rejectsTooOldAndTooLargeAndAcceptsLateInWindow() {
        PacketRing ring = new PacketRing(4, 100);
        byte[] pkt = new byte[101];
        assertFalse(ring.put(1, pkt, 0, 101));
        assertTrue(ring.put(10, pkt, 0, 100));
        assertFalse(ring.put(6, pkt, 0, 10)); // 4 behind: would evict newer data
        assertTrue(ring.put(7, pkt, 0, 10)); // late but inside the window
        assertEquals(10, ring.get(7, new byte[100], 0));
        assertEquals(-1, ring.get(8, new byte[100], 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketRing(6, 100));
        ring.clear();
        assertEquals(-1, ring.find(10));
    }
}
