package org.jsfu.bench;

import java.util.Arrays;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * SRTP protect as a room's fan-out does it: {@code S} subscriber send sessions (own keys), each with
 * {@code P} outgoing SSRCs (one per publisher), and the publishers' packets interleaved, so consecutive
 * protects on one session are for different SSRCs. Between two fan-outs, {@code E} KB of other memory
 * is read and written (what the kernel's send work does to the caches on the loop's core), outside the
 * timed part. Prints ns per protect (median and minimum of the rounds): the per-subscriber state's cache
 * misses that a single-session microbenchmark ({@link SrtpBench}) never sees.
 *
 * <p>Run: {@code java -cp sfu-core/target/classes:bench/target/classes org.jsfu.bench.SrtpFanOutBench
 * [subscribers 100] [publishers 5] [evictKB 1024] [rounds 15] [profile AES_CM_128_HMAC_SHA1_80]}
 */
public final class SrtpFanOutBench {
    static volatile long sink;

    private SrtpFanOutBench() {}

    public static void main(String[] args) {
        int subs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int pubs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int evictKb = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        SrtpProfile p = args.length > 4 ? SrtpProfile.valueOf(args[4]) : SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpSession[] tx = new SrtpSession[subs];
        for (int s = 0; s < subs; s++) {
            byte[] k = new byte[p.keyLength()];
            byte[] salt = new byte[p.saltLength()];
            Arrays.fill(k, (byte) s);
            Arrays.fill(salt, (byte) (s * 7));
            tx[s] = SrtpSession.sender(p, k, salt);
        }
        byte[][] packets = new byte[pubs][];
        for (int k = 0; k < pubs; k++) {
            packets[k] = SrtpBench.template();
            packets[k][8] = (byte) (0x10 + k); // one SSRC per publisher
        }
        byte[] buf = new byte[1500];
        byte[] evict = new byte[evictKb * 1024];
        int fanOuts = 2000;
        int seq = 0;
        for (int w = 0; w < 5; w++) seq = round(tx, packets, buf, evict, fanOuts, seq, null);
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long[] timed = new long[1];
            seq = round(tx, packets, buf, evict, fanOuts, seq, timed);
            ns[r] = timed[0] / (double) ((long) fanOuts * subs);
        }
        Arrays.sort(ns);
        System.out.printf("java %s, %d subscribers x %d publishers, %d KB evicted between fan-outs%n",
                System.getProperty("java.version"), subs, pubs, evictKb);
        System.out.printf("| protect in a fan-out (%s) | median %.0f ns | min %.0f ns |%n", p, ns[rounds / 2], ns[0]);
    }

    private static int round(SrtpSession[] tx, byte[][] packets, byte[] buf, byte[] evict, int fanOuts, int seq,
                             long[] timed) {
        for (int f = 0; f < fanOuts; f++) {
            byte[] pkt = packets[f % packets.length];
            pkt[2] = (byte) (seq >>> 8);
            pkt[3] = (byte) seq;
            if (f % packets.length == packets.length - 1) seq++;
            long t0 = System.nanoTime();
            for (SrtpSession s : tx) {
                System.arraycopy(pkt, 0, buf, 0, pkt.length);
                sink += s.protectRtp(buf, 0, pkt.length);
            }
            if (timed != null) timed[0] += System.nanoTime() - t0;
            for (int i = 0; i < evict.length; i += 64) evict[i]++;
        }
        return seq;
    }
}
