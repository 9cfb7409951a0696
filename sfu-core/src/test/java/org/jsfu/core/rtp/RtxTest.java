package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtxTest {
    private final byte[] dst = new byte[1500];

    @Test
    void originalIsRebuiltFromOsnAndPayload() {
        byte[] ext = RtpTestPackets.bytes(0x21, 0x12, 0x34, 0); // transport-cc-like element, id 2
        byte[] payload = RtpTestPackets.bytes(0x01, 0x02, 0x10, 0x50, 0x9d, 0x01); // OSN 0x0102, then VP8
        byte[] rtx = RtpTestPackets.packet(97, 4000, 123_456, 0x7777, true, new int[0], ext,
                RtpPacket.PROFILE_ONE_BYTE, payload, 5);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(rtx, 0, rtx.length));
        int len = Rtx.unwrap(p, 0x1111, 96, dst);
        RtpPacket o = new RtpPacket();
        assertTrue(o.wrap(dst, 0, len));
        assertEquals(0x0102, o.sequence());
        assertEquals(0x1111, o.ssrc());
        assertEquals(96, o.payloadType());
        assertTrue(o.marker());
        assertEquals(123_456, o.timestamp());
        assertFalse(o.hasPadding());
        assertEquals(2, RtpPacket.extLength(o.findExtension(2)), "header extensions kept");
        assertArrayEquals(Arrays.copyOfRange(payload, 2, payload.length),
                Arrays.copyOfRange(dst, o.payloadOffset(), o.payloadOffset() + o.payloadLength()));
    }

    @Test
    void paddingOnlyProbeHasNoOriginal() {
        byte[] probe = RtpTestPackets.packet(97, 4001, 0, 0x7777, false, new int[0], null, 0, new byte[0], 200);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(probe, 0, probe.length));
        assertEquals(-1, Rtx.unwrap(p, 0x1111, 96, dst));
    }
}
