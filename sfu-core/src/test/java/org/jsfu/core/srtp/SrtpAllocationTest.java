package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Steady-state protect/unprotect, and rejected floods, allocate nothing on the calling thread. */
class SrtpAllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void noAllocationPerPacket(SrtpProfile p) {
        byte[] key = new byte[p.keyLength()];
        byte[] salt = new byte[p.saltLength()];
        SrtpSession tx = SrtpSession.sender(p, key, salt);
        SrtpSession rx = SrtpSession.receiver(p, key, salt);
        byte[] plain = SrtpSessionTest.rtp(0x5555, 0, 120);
        byte[] buf = new byte[plain.length];
        SplittableRandom rnd = new SplittableRandom(1);
        byte[][] bad = new byte[256][];
        for (int i = 0; i < bad.length; i++) {
            bad[i] = SrtpSessionTest.rtp(rnd.nextInt(), rnd.nextInt(65536), 120);
            for (int j = 20; j < bad[i].length; j++) bad[i][j] = (byte) rnd.nextInt();
        }
        int len = SrtpSessionTest.rtpLen(120);
        int seq = 0;
        long allocated = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up
            long a0 = MX.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++, seq++) {
                System.arraycopy(plain, 0, buf, 0, len);
                buf[2] = (byte) (seq >>> 8);
                buf[3] = (byte) seq;
                int n = tx.protectRtp(buf, 0, len);
                if (rx.unprotectRtp(buf, 0, n) != len) throw new AssertionError("round trip failed at " + seq);
                if (rx.unprotectRtp(bad[i & 255], 0, len + p.tagLength()) != -1) throw new AssertionError("bad accepted");
            }
            allocated = MX.getCurrentThreadAllocatedBytes() - a0;
        }
        assertEquals(1, rx.streamCount());
        // 50k packets: a per-packet allocation would be >= 800 KB; allow a little slack for the runtime.
        assertTrue(allocated < 16_384, "allocated " + allocated + " bytes for 50k packets");
    }
}
