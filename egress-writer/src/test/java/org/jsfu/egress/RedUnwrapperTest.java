package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class RedUnwrapperTest {
    /** Builds a RED payload (RFC 2198 section 3): redundant blocks oldest first, then the primary. */
    static byte[] red(int pt, int[] tsOffsets, byte[][] redundant, byte[] primary) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < redundant.length; i++) {
            o.write(0x80 | pt);
            int v = (tsOffsets[i] << 10) | redundant[i].length;
            o.write(v >>> 16);
            o.write(v >>> 8);
            o.write(v);
        }
        o.write(pt);
        for (byte[] r : redundant) o.writeBytes(r);
        o.writeBytes(primary);
        return o.toByteArray();
    }

    @Test
    void parsesRedundantAndPrimaryBlocks() {
        byte[] r1 = {1, 2, 3};
        byte[] r2 = new byte[700];
        r2[0] = 9;
        byte[] p = {7, 7};
        byte[] b = red(111, new int[] {1920, 960}, new byte[][] {r1, r2}, p);
        byte[] padded = new byte[b.length + 5];
        System.arraycopy(b, 0, padded, 5, b.length);
        RedUnwrapper.Blocks blocks = new RedUnwrapper.Blocks();
        assertTrue(RedUnwrapper.parse(padded, 5, b.length, blocks));
        assertEquals(3, blocks.count);
        assertEquals(1920, blocks.tsOffset[0]);
        assertEquals(960, blocks.tsOffset[1]);
        assertEquals(3, blocks.length[0]);
        assertEquals(700, blocks.length[1]);
        assertEquals(2, blocks.primaryLength());
        assertEquals(111, blocks.payloadType[2]);
        assertEquals(1, padded[blocks.offset[0]]);
        assertEquals(9, padded[blocks.offset[1]]);
        assertEquals(7, padded[blocks.primaryOffset()]);
    }

    @Test
    void primaryOnlyAndMalformed() {
        RedUnwrapper.Blocks blocks = new RedUnwrapper.Blocks();
        byte[] only = {111, 5, 6, 7};
        assertTrue(RedUnwrapper.parse(only, 0, only.length, blocks));
        assertEquals(1, blocks.count);
        assertEquals(3, blocks.primaryLength());
        // redundant block longer than the payload
        byte[] bad = {(byte) 0x80 | 111, 0, 0x0f, (byte) 0xff, 111, 1};
        assertFalse(RedUnwrapper.parse(bad, 0, bad.length, blocks));
        // header list never terminated
        byte[] open = {(byte) 0xef, 0, 0};
        assertFalse(RedUnwrapper.parse(open, 0, open.length, blocks));
        assertFalse(RedUnwrapper.parse(new byte[0], 0, 0, blocks));
    }
}
