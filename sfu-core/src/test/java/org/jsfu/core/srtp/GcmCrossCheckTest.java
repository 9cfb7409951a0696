package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table GHASH + AES-ECB transform against JCE AES/GCM on random keys, packets and lengths. */
class GcmCrossCheckTest {
    @Test
    void matchesJceGcmForRandomPackets() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 20; k++) {
            byte[] key = bytes(rnd, 16);
            byte[] salt = bytes(rnd, 12);
            AesGcmTransform ours = new AesGcmTransform(key, salt);
            AesGcmJceTransform jce = new AesGcmJceTransform(key, salt);
            for (int i = 0; i < 50; i++) {
                int hdr = 12 + 4 * rnd.nextInt(4);
                int len = hdr + rnd.nextInt(1300);
                byte[] a = new byte[len + 64];
                System.arraycopy(bytes(rnd, len), 0, a, 0, len);
                byte[] b = a.clone();
                int ssrc = rnd.nextInt();
                long index = rnd.nextLong() & 0xffffffffffffL;
                int n = ours.protectRtp(a, 0, hdr, len, ssrc, index);
                assertEquals(n, jce.protectRtp(b, 0, hdr, len, ssrc, index));
                assertArrayEquals(a, b, "RTP len " + len);
                assertEquals(len, jce.unprotectRtp(b, 0, hdr, n, ssrc, index));
                int rl = 8 + rnd.nextInt(600);
                byte[] c = new byte[rl + 64];
                System.arraycopy(bytes(rnd, rl), 0, c, 0, rl);
                byte[] d = c.clone();
                int idx = rnd.nextInt() & 0x7fffffff;
                int m = ours.protectRtcp(c, 0, rl, ssrc, idx);
                assertEquals(m, jce.protectRtcp(d, 0, rl, ssrc, idx));
                assertArrayEquals(c, d, "RTCP len " + rl);
                int word = SrtpTransform.getInt(c, m - 4);
                assertEquals(rl, ours.unprotectRtcp(c, 0, m, ssrc, word));
            }
        }
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) rnd.nextInt();
        return b;
    }
}
