package org.jsfu.core.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SendHistoryTest {
    @Test
    void eachSlotKeepsItsSizeTimeAndAckApart() {
        SendHistory h = new SendHistory(8);
        h.onSend(1200, -5L);             // a negative clock reading is kept as it is
        h.onSend(70_000, Long.MAX_VALUE); // more than 16 bits of size: counted as 65,535
        h.onSend(-3, 42L);               // nonsense size: counted as 0
        int a = h.slot(1);
        int b = h.slot(2);
        int c = h.slot(3);
        assertEquals(1200, h.size(a));
        assertEquals(-5L, h.sentNanos(a));
        assertEquals(65_535, h.size(b));
        assertEquals(Long.MAX_VALUE, h.sentNanos(b));
        assertEquals(0, h.size(c));
        assertEquals(42L, h.sentNanos(c));
        assertTrue(h.ack(b));
        assertTrue(h.acked(b));
        assertFalse(h.acked(a), "a neighbour's ack is its own");
        assertEquals(65_535, h.size(b), "the ack leaves the size");
        assertEquals(b, h.slot(2), "the number is still found after the ack");
        assertEquals(-1, h.slot(0), "never sent");
        assertEquals(-1, h.slot(4), "not sent yet");
    }

    @Test
    void aReusedSlotForgetsTheAckOfItsLastPacket() {
        SendHistory h = new SendHistory(4);
        h.onSend(100, 1);
        assertTrue(h.ack(h.slot(1)));
        for (int i = 0; i < 4; i++) {
            h.onSend(200 + i, 10 + i);
        }
        assertEquals(-1, h.slot(1), "left the history");
        int s = h.slot(5); // the slot number 1 used
        assertFalse(h.acked(s));
        assertEquals(203, h.size(s));
        assertEquals(13, h.sentNanos(s));
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new SendHistory(12));
        assertThrows(IllegalArgumentException.class, () -> new SendHistory(0));
    }
}
