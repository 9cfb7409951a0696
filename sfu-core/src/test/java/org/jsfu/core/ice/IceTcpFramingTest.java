package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IceTcpFramingTest {

    @Test
    void framesSurviveArbitraryChunking() {
        Random rnd = new Random(6544);
        List<byte[]> frames = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] f = new byte[1 + rnd.nextInt(i % 50 == 0 ? 65535 : 1400)];
            rnd.nextBytes(f);
            frames.add(f);
            byte[] enc = new byte[f.length + 2];
            assertEquals(f.length + 2, IceTcpFraming.encode(f, 0, f.length, enc, 0));
            stream.writeBytes(enc);
        }
        byte[] all = stream.toByteArray();
        List<byte[]> got = new ArrayList<>();
        IceTcpFraming.Decoder d = new IceTcpFraming.Decoder();
        int p = 0;
        int delivered = 0;
        while (p < all.length) {
            int n = Math.min(all.length - p, 1 + rnd.nextInt(3000));
            delivered += d.feed(all, p, n, (b, off, len) -> got.add(Arrays.copyOfRange(b, off, off + len)));
            p += n;
        }
        assertEquals(frames.size(), delivered);
        assertEquals(frames.size(), got.size());
        for (int i = 0; i < frames.size(); i++) assertArrayEquals(frames.get(i), got.get(i), "frame " + i);
        assertFalse(d.midFrame());
    }

    @Test
    void oversizedFramesAreSkippedAndZeroLengthIgnored() {
        IceTcpFraming.Decoder d = new IceTcpFraming.Decoder(100);
        byte[] stream = new byte[2 + 500 + 2 + 2 + 3];
        stream[0] = (byte) (500 >> 8);
        stream[1] = (byte) 500;
        // bytes 2..501 are the oversized frame, then a zero-length frame, then a 3-byte frame
        stream[504] = 0;
        stream[505] = 3;
        stream[506] = 7; stream[507] = 8; stream[508] = 9;
        List<byte[]> got = new ArrayList<>();
        d.feed(stream, 0, stream.length, (b, off, len) -> got.add(Arrays.copyOfRange(b, off, off + len)));
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {7, 8, 9}, got.get(0));
        assertEquals(1, d.framesSkipped());
    }

    @Test
    void garbageNeverThrows() {
        Random rnd = new Random(4571);
        IceTcpFraming.Decoder d = new IceTcpFraming.Decoder(1500);
        byte[] chunk = new byte[4096];
        int[] frames = {0};
        for (int i = 0; i < 2000; i++) {
            rnd.nextBytes(chunk);
            int len = rnd.nextInt(chunk.length);
            assertDoesNotThrow(() -> d.feed(chunk, 0, len, (b, off, l) -> {
                assertTrue(l > 0 && l <= 1500);
                frames[0]++;
            }));
        }
        assertTrue(frames[0] > 0, "small random lengths produce frames");
        assertTrue(d.framesSkipped() > 0);
    }

    @Test
    void encodeChecksBounds() {
        assertEquals(-1, IceTcpFraming.encode(new byte[10], 0, 10, new byte[11], 0));
        assertThrows(IllegalArgumentException.class, () -> IceTcpFraming.encode(new byte[70000], 0, 65536, new byte[70000], 0));
    }
}
