package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RtxStreamsTest {
    @Test
    void mappingsAreBoundedAndFollowTheirPrimaries() {
        RtxStreams s = new RtxStreams(2);
        assertEquals(0, s.add(11, 1));
        assertEquals(1, s.add(22, 2));
        assertEquals(-1, s.add(33, 3), "full");
        assertEquals(1, s.indexOf(22));
        assertEquals(2, s.primary(1));
        s.retainPrimaries(new int[] {2, 9}, 1); // primary 1 was unpublished
        assertEquals(-1, s.indexOf(11));
        assertEquals(0, s.indexOf(22));
        assertEquals(1, s.add(33, 3), "room again");
    }

    @Test
    void paddingOnlyProbeUnwrapsToNothing() {
        byte[] probe = ForwardingTest.rtp(97, 5, 0, 33, new byte[0], 4);
        assertNull(new RtxStreams(1).unwrap(ForwardingTest.wrap(probe), 3, 96));
    }
}
