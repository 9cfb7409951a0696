package org.jsfu.core.srtp;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Protects and unprotects random SRTP/SRTCP packets with the JDK's counter mode and GHASH and with the
 * fallbacks (AES/ECB, table), which must agree, for {@code args[0]} packets; prints whether this JVM has the
 * AES-CTR and GHASH intrinsics. Run by {@link GcmCompiledPathsTest} in a JVM that compiles early and
 * synchronously, so that most packets go through C2 code calling the HotSpot stubs.
 */
public final class GcmCompiledProbe {
    public static void main(String[] args) {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("intrinsics ctr=" + vm.getVMOption("UseAESCTRIntrinsics").getValue()
                + " ghash=" + vm.getVMOption("UseGHASHIntrinsics").getValue());
        int packets = Integer.parseInt(args[0]);
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] key = bytes(rnd, 16);
        byte[] salt = bytes(rnd, 12);
        AesGcmTransform fast = AesGcmTransform.of(key, salt, true);
        AesGcmTransform plain = AesGcmTransform.of(key, salt, false);
        byte[] a = new byte[3000];
        byte[] b = new byte[3000];
        for (int i = 0; i < packets; i++) {
            if (i == packets / 2) System.out.println("half done");
            int hdr = 12 + 4 * rnd.nextInt(4);
            int len = hdr + rnd.nextInt(i % 50 == 0 ? 2800 : 300);
            for (int j = 0; j < len; j++) a[j] = (byte) rnd.nextInt();
            System.arraycopy(a, 0, b, 0, len);
            int ssrc = rnd.nextInt();
            long index = rnd.nextLong() & 0xffffffffffffL;
            int n = fast.protectRtp(a, 0, hdr, len, ssrc, index);
            if (plain.protectRtp(b, 0, hdr, len, ssrc, index) != n || !Arrays.equals(a, 0, n, b, 0, n)) {
                throw new AssertionError("RTP packet " + i + " length " + len);
            }
            if (fast.unprotectRtp(a, 0, hdr, n, ssrc, index) != len || plain.unprotectRtp(b, 0, hdr, n, ssrc, index) != len
                    || !Arrays.equals(a, 0, len, b, 0, len)) {
                throw new AssertionError("RTP unprotect " + i);
            }
            if (i % 4 == 0) {
                int rl = 8 + rnd.nextInt(200);
                int idx = rnd.nextInt() & 0x7fffffff;
                int m = fast.protectRtcp(a, 0, rl, ssrc, idx);
                if (plain.protectRtcp(b, 0, rl, ssrc, idx) != m || !Arrays.equals(a, 0, m, b, 0, m)) {
                    throw new AssertionError("RTCP packet " + i);
                }
                int word = SrtpTransform.getInt(a, m - 4);
                if (fast.unprotectRtcp(a, 0, m, ssrc, word) != rl || plain.unprotectRtcp(b, 0, m, ssrc, word) != rl
                        || !Arrays.equals(a, b)) {
                    throw new AssertionError("RTCP unprotect " + i);
                }
            }
        }
        System.out.println("agreed on " + packets + " packets");
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) rnd.nextInt();
        return b;
    }
}
