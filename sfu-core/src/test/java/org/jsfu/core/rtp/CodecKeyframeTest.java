package org.jsfu.core.rtp;

import static org.jsfu.core.rtp.RtpTestPackets.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecKeyframeTest {
    private final Vp8Descriptor vp8 = new Vp8Descriptor();

    @Test
    void vp8KeyframeWithPictureIdTl0AndTid() {
        // X=1 S=1 PID=0 | I L T K=0 | M=1 picture id 0x1234 | TL0PICIDX 7 | TID 2 Y=1 |
        // VP8 key frame header: frame tag with P=0 (0x50), start code 9d 01 2a, 640x480
        byte[] p = bytes(0x90, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0xA0,
                0x50, 0x2f, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01);
        assertTrue(vp8.parse(p, 0, p.length));
        assertTrue(vp8.keyframe);
        assertTrue(vp8.start);
        assertEquals(0, vp8.partitionId);
        assertEquals(0x1234, vp8.pictureId);
        assertTrue(vp8.pictureId15Bit);
        assertEquals(7, vp8.tl0PicIdx);
        assertEquals(2, vp8.tid);
        assertTrue(vp8.layerSync);
        assertEquals(-1, vp8.keyIdx);
        assertEquals(6, vp8.headerLength);
    }

    @Test
    void vp8InterFrameAndContinuationAreNotKeyframes() {
        // 7-bit picture id 0x55, inter frame (P bit 1)
        byte[] inter = bytes(0x90, 0x80, 0x55, 0x31, 0x01, 0x00, 0x00);
        assertTrue(vp8.parse(inter, 0, inter.length));
        assertFalse(vp8.keyframe);
        assertEquals(0x55, vp8.pictureId);
        assertFalse(vp8.pictureId15Bit);
        assertEquals(3, vp8.headerLength);
        // continuation packet of a key frame: S=0
        byte[] cont = bytes(0x80, 0x80, 0x55, 0x50, 0x00);
        assertTrue(vp8.parse(cont, 0, cont.length));
        assertFalse(vp8.keyframe);
        // minimal descriptor without X, key frame
        byte[] min = bytes(0x10, 0x50, 0x2f, 0x00, 0x9d, 0x01, 0x2a);
        assertTrue(Vp8Descriptor.isKeyframe(min, 0, min.length, vp8));
        assertEquals(-1, vp8.pictureId);
        // K bit only: KEYIDX
        byte[] k = bytes(0x90, 0x10, 0x1f, 0x50);
        assertTrue(vp8.parse(k, 0, k.length));
        assertEquals(31, vp8.keyIdx);
        assertEquals(-1, vp8.tid);
    }

    @Test
    void vp8TruncatedDescriptorsFailWithoutThrowing() {
        assertFalse(vp8.parse(bytes(0x90), 0, 1));
        assertFalse(vp8.parse(bytes(0x90, 0x80), 0, 2));
        assertFalse(vp8.parse(bytes(0x90, 0x80, 0x80), 0, 3));
        assertFalse(vp8.parse(bytes(0x90, 0x40), 0, 2));
        assertFalse(vp8.parse(bytes(0x90, 0x20), 0, 2));
        assertFalse(vp8.parse(new byte[0], 0, 0));
        Random r = new Random(5);
        byte[] b = new byte[8];
        for (int i = 0; i < 100_000; i++) {
            r.nextBytes(b);
            int len = r.nextInt(9);
            if (vp8.parse(b, 0, len)) {
                assertTrue(vp8.headerLength <= len);
            }
            H264.isKeyframe(b, 0, len);
        }
    }

    @Test
    void h264KeyframeForms() {
        // single NAL IDR slice (nal_ref_idc 3, type 5)
        assertTrue(H264.isKeyframe(bytes(0x65, 0x88, 0x84, 0x00), 0, 4));
        // non-IDR slice
        assertFalse(H264.isKeyframe(bytes(0x41, 0x9a, 0x02), 0, 3));
        // STAP-A as Chrome sends it: SPS, PPS
        byte[] stap = bytes(0x78, 0x00, 0x05, 0x67, 0x42, 0xc0, 0x1f, 0xda, 0x00, 0x03, 0x68, 0xce, 0x3c);
        assertTrue(H264.isKeyframe(stap, 0, stap.length));
        // STAP-A of SEI + non-IDR slice
        byte[] stapP = bytes(0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x41, 0x9a);
        assertFalse(H264.isKeyframe(stapP, 0, stapP.length));
        // STAP-A with an IDR after an SEI
        byte[] stapI = bytes(0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x03, 0x65, 0x88, 0x84);
        assertTrue(H264.isKeyframe(stapI, 0, stapI.length));
        // STAP-A whose size runs past the end
        byte[] bad = bytes(0x78, 0x00, 0x09, 0x06, 0x05);
        assertFalse(H264.isKeyframe(bad, 0, bad.length));
        // FU-A: indicator type 28 (NRI 3), header S=1 type 5; middle fragment; start of a P slice
        assertTrue(H264.isKeyframe(bytes(0x7c, 0x85, 0x88, 0x84), 0, 4));
        assertFalse(H264.isKeyframe(bytes(0x7c, 0x05, 0x11), 0, 3));
        assertFalse(H264.isKeyframe(bytes(0x7c, 0x81, 0x9a), 0, 3));
        assertFalse(H264.isKeyframe(bytes(0x7c), 0, 1));
        // offset inside a larger buffer
        byte[] off = bytes(0xff, 0xff, 0x65, 0x88);
        assertTrue(H264.isKeyframe(off, 2, 2));
        assertFalse(H264.isKeyframe(off, 0, 0));
    }
}
