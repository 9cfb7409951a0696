package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The transform against JCE AES/GCM on random keys, packets and lengths: with the JDK's counter mode and
 * carry-less GHASH (this build's tests open the package) and with the fallbacks (AES/ECB keystream, table
 * GHASH) that a JVM without the flag uses; some packets over the fallback's 2 KB arrays.
 */
class GcmCrossCheckTest {
    @Test
    void matchesJceGcmForRandomPackets() {
        crossCheck(true);
    }

    @Test
    void theFallbacksMatchJceGcmForRandomPackets() {
        crossCheck(false);
    }

    private static void crossCheck(boolean jdk) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 20; k++) {
            byte[] key = bytes(rnd, 16);
            byte[] salt = bytes(rnd, 12);
            AesGcmTransform ours = AesGcmTransform.of(key, salt, jdk);
            AesGcmJceTransform jce = new AesGcmJceTransform(key, salt);
            for (int i = 0; i < 50; i++) {
                int hdr = 12 + 4 * rnd.nextInt(4);
                int len = hdr + rnd.nextInt(i % 10 == 0 ? 4000 : 1300);
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
