package org.jsfu.core.rtp;

import static org.jsfu.core.rtp.RtpTestPackets.bytes;
import static org.jsfu.core.rtp.RtpTestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    private final RtpPacket p = new RtpPacket();

    @Test
    void parsesFixedHeaderCsrcsAndOneByteExtensions() {
        // RFC 8285 4.2: id 1 len 1 (audio level, V=1, 42 dBov), padding byte, id 3 len 3, padding to 32 bits
        byte[] ext = bytes(0x10, 0xAA, 0x00, 0x32, 1, 2, 3, 0x00, 0x00, 0x00, 0x00, 0x00);
        byte[] payload = bytes(9, 8, 7, 6, 5);
        byte[] pkt = packet(111, 0xBEEF, 0xDEADBEEFL, 0x12345678, true, new int[] {11, 22}, ext,
                RtpPacket.PROFILE_ONE_BYTE, payload, 0);
        byte[] buf = new byte[pkt.length + 10];
        System.arraycopy(pkt, 0, buf, 5, pkt.length);
        assertTrue(p.wrap(buf, 5, pkt.length));
        assertEquals(2, p.version());
        assertTrue(p.marker());
        assertEquals(111, p.payloadType());
        assertEquals(0xBEEF, p.sequence());
        assertEquals(0xDEADBEEFL, p.timestamp());
        assertEquals(0x12345678, p.ssrc());
        assertEquals(2, p.csrcCount());
        assertEquals(22, p.csrc(1));
        assertEquals(12 + 8 + 4 + 12, p.headerLength());
        assertEquals(5 + 36, p.payloadOffset());
        assertEquals(5, p.payloadLength());
        assertEquals(9, buf[p.payloadOffset()]);

        long l1 = p.findExtension(1);
        assertEquals(5 + 24 + 1, RtpPacket.extOffset(l1));
        assertEquals(1, RtpPacket.extLength(l1));
        int level = AudioLevel.read(p, 1);
        assertTrue(AudioLevel.voice(level));
        assertEquals(42, AudioLevel.level(level));
        long l3 = p.findExtension(3);
        assertEquals(3, RtpPacket.extLength(l3));
        assertEquals(1, buf[RtpPacket.extOffset(l3)]);
        assertEquals(3, buf[RtpPacket.extOffset(l3) + 2]);
        assertEquals(-1, p.findExtension(2));
        assertEquals(-1, p.findExtension(15));
        assertEquals(-1, AudioLevel.read(p, 2));
    }

    @Test
    void parsesTwoByteExtensions() {
        // RFC 8285 4.3: profile 0x1000, id 5 len 0, padding byte, id 200 len 4, id 7 len 1
        byte[] ext = bytes(5, 0, 0, 200, 4, 0xA, 0xB, 0xC, 0xD, 7, 1, 0x55);
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], ext, 0x1000, bytes(1, 2), 0);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(0x1000, p.extensionProfile());
        long e5 = p.findExtension(5);
        assertEquals(0, RtpPacket.extLength(e5));
        assertEquals(12 + 4 + 2, RtpPacket.extOffset(e5));
        long e200 = p.findExtension(200);
        assertEquals(4, RtpPacket.extLength(e200));
        assertEquals(0xA, pkt[RtpPacket.extOffset(e200)]);
        long e7 = p.findExtension(7);
        assertEquals(1, RtpPacket.extLength(e7));
        assertEquals(0x55, pkt[RtpPacket.extOffset(e7)]);
        assertEquals(-1, p.findExtension(8));
        assertEquals(2, p.payloadLength());
    }

    @Test
    void extensionElementOverrunningItsBlockIsNotReturned() {
        // one-byte element claims 4 bytes but the block has 3 left
        byte[] ext = bytes(0x23, 1, 2, 3);
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], ext, RtpPacket.PROFILE_ONE_BYTE, bytes(1), 0);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(-1, p.findExtension(2));
    }

    @Test
    void paddingIsRemovedFromPayload() {
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], null, 0, bytes(1, 2, 3), 4);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(3, p.payloadLength());
        assertEquals(4, p.paddingLength());
    }

    @Test
    void paddingOnlyPacketHasEmptyPayload() {
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], null, 0, new byte[0], 200);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(0, p.payloadLength());
        assertEquals(200, p.paddingLength());
    }

    @Test
    void paddingLongerThanPayloadIsRejected() {
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], null, 0, bytes(1, 2, 3), 2);
        pkt[pkt.length - 1] = 6; // claims 6 bytes, only 5 after the header
        assertFalse(p.wrap(pkt, 0, pkt.length));
        pkt[pkt.length - 1] = 0; // a zero count is invalid too
        assertFalse(p.wrap(pkt, 0, pkt.length));
        pkt[pkt.length - 1] = 5; // exactly everything after the header: padding-only, valid
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(0, p.payloadLength());
    }

    @Test
    void paddingBitOnEmptyPayloadIsRejectedWithoutReadingTheHeader() {
        byte[] pkt = packet(96, 1, 2, 3, false, new int[0], null, 0, new byte[0], 0);
        pkt[0] |= 0x20;
        pkt[pkt.length - 1] = 1; // last header byte (SSRC) must not be taken as a count
        assertFalse(p.wrap(pkt, 0, pkt.length));
        assertFalse(p.isValid());
    }

    @Test
    void wrongVersionAndTruncationAreRejected() {
        byte[] pkt = RtpTestPackets.simple(1, 2, 3, 10);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        pkt[0] = (byte) ((pkt[0] & 0x3f) | 0x40); // version 1
        assertFalse(p.wrap(pkt, 0, pkt.length));
        pkt[0] = (byte) (pkt[0] | 0xc0); // version 3
        assertFalse(p.wrap(pkt, 0, pkt.length));
        byte[] good = RtpTestPackets.simple(1, 2, 3, 10);
        assertFalse(p.wrap(good, 0, 11));
        assertFalse(p.wrap(good, 0, good.length + 1));
        good[0] = (byte) 0x83; // 3 CSRCs = 24 bytes, only 22 in the packet
        assertFalse(p.wrap(good, 0, good.length));
        byte[] ext = packet(96, 1, 2, 3, false, new int[0], bytes(0x10, 1, 0, 0), RtpPacket.PROFILE_ONE_BYTE, bytes(), 0);
        assertTrue(p.wrap(ext, 0, ext.length));
        assertFalse(p.wrap(ext, 0, ext.length - 1)); // extension body cut
        assertFalse(p.wrap(ext, 0, 14)); // extension header cut
    }

    @Test
    void settersWriteInPlace() {
        byte[] pkt = RtpTestPackets.simple(100, 1000, 77, 20);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        p.setSequence(65535);
        p.setTimestamp(0xFFFFFFFFL);
        p.setSsrc(-2);
        p.setMarker(true);
        p.setPayloadType(100);
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(65535, p.sequence());
        assertEquals(0xFFFFFFFFL, p.timestamp());
        assertEquals(-2, p.ssrc());
        assertTrue(p.marker());
        assertEquals(100, p.payloadType());
        p.setMarker(false);
        assertFalse(RtpHeader.marker(pkt, 0));
        assertEquals(100, RtpHeader.payloadType(pkt, 0));
        assertEquals(20, p.payloadLength());
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(1234);
        byte[] b = new byte[64];
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            r.nextBytes(b);
            b[0] = (byte) ((b[0] & 0x3f) | 0x80);
            int len = r.nextInt(65);
            if (p.wrap(b, 0, len)) {
                valid++;
                assertTrue(p.payloadLength() >= 0);
                assertTrue(p.payloadOffset() + p.payloadLength() <= len);
                for (int id = 1; id < 16; id++) {
                    long ref = p.findExtension(id);
                    if (ref >= 0) {
                        assertTrue(RtpPacket.extOffset(ref) + RtpPacket.extLength(ref) <= len);
                    }
                }
            }
        }
        assertTrue(valid > 0);
    }
}
