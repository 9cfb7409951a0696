package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * {@link StreamTable}: lookups by SSRC (last hit and scan), LRU eviction that reuses the state and its slot,
 * and a growing (sender's) table that keeps every state.
 */
class StreamTableTest {
    @Test
    void findsEveryClaimedSsrcInAnyOrder() {
        StreamTable t = new StreamTable(8, false);
        StreamState[] s = new StreamState[5];
        for (int i = 0; i < 5; i++) s[i] = t.claim(0x1000 + i);
        for (int round = 0; round < 3; round++) {
            for (int i : new int[] {3, 0, 4, 1, 2, 2}) {
                assertSame(s[i], t.find(0x1000 + i));
                assertEquals(0x1000 + i, s[i].ssrc);
            }
        }
        assertNull(t.find(0x2000));
        assertNull(t.find(0), "an unused slot's zero never matches");
        assertEquals(5, t.size());
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyUsedAndForgetsItsSsrc() {
        StreamTable t = new StreamTable(3, false);
        StreamState a = t.claim(1);
        StreamState b = t.claim(2);
        StreamState c = t.claim(3);
        t.find(1);
        t.find(3); // 2 is now the least recently used
        StreamState d = t.claim(4);
        assertSame(b, d, "the evicted state object is reused");
        assertNull(t.find(2), "the evicted SSRC is gone");
        assertSame(d, t.find(4));
        assertSame(a, t.find(1));
        assertSame(c, t.find(3));
        assertEquals(3, t.size());
        StreamState e = t.claim(5); // 4 is now the least recently used
        assertSame(d, e);
        assertNull(t.find(4));
        assertSame(e, t.find(5));
    }

    @Test
    void aGrowingTableKeepsEveryStateBeyondItsFirstCapacity() {
        StreamTable t = new StreamTable(3, true);
        StreamState[] s = new StreamState[10];
        for (int i = 0; i < 10; i++) {
            s[i] = t.claim(100 + i);
            s[i].advance(1L << 16 | i); // as a sender past its first wrap
        }
        assertEquals(10, t.size());
        for (int i = 9; i >= 0; i--) {
            assertSame(s[i], t.find(100 + i), "no state was evicted or reused");
            assertEquals(1L << 16 | i, s[i].top, "and each kept its index");
        }
    }
}
