package org.jsfu.core.media;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * The JCE half of the start-up warm-up ({@link org.jsfu.core.dtls.DtlsWarmUp} covers BouncyCastle's
 * DTLS, which does not touch the JCE). A participant's first connection otherwise pays, on its
 * room loop, for loading the JCE providers and their AES, HMAC-SHA1 and GCM code (SRTP sessions are
 * created on the loop when DTLS connects), and on the receive path for the STUN HMAC-SHA1 and the
 * SCTP cookie HMAC-SHA256. Runs SRTP/SRTCP round trips with throwaway keys for both profiles, enough
 * of them for the JIT to compile the per-packet paths. Then times both profiles' RTP round trips on
 * this machine ({@link Result#preference()}): which one is cheaper depends on the CPU (SHA-1 in
 * hardware or not; BENCHMARKS.md, session 10).
 */
public final class CryptoWarmUp {
    static final int ROUNDS = 2000;
    /** Timed blocks per profile, interleaved; the fastest block of each counts. */
    static final int TIMED_BLOCKS = 8;
    static final int BLOCK_ROUNDS = 250;
    /**
     * Blocks in a row in which neither profile's fastest time dropped by {@link #SETTLED_PERCENT}% or more: the JIT
     * has finished with both (it compiles tier by tier, and the SHA-1 and AES intrinsics exist only in the last tier).
     */
    static final int SETTLED_BLOCKS = 12;
    static final int SETTLED_PERCENT = 3;
    /** The timing stops here even if not settled (a loaded machine); the fastest blocks so far count. */
    static final long TIMING_BUDGET_NANOS = 3_000_000_000L;

    /** Times one block of a profile's round trips: ns per packet, or -1 when a round trip failed. */
    @FunctionalInterface
    interface BlockTimer {
        long nanosPerPacket(SrtpProfile p);
    }

    /**
     * @param ok every round trip gave back what was protected
     * @param aesCmNanos fastest AES_CM_128_HMAC_SHA1_80 RTP protect + unprotect measured, per packet
     * @param gcmNanos the same for AEAD_AES_128_GCM
     * @param gcmHardwareHash GCM's GHASH is the JDK's carry-less multiply ({@link SrtpSession#gcmHashIsCarryless})
     */
    public record Result(boolean ok, long aesCmNanos, long gcmNanos, boolean gcmHardwareHash) {
        /**
         * The server's use_srtp order (RFC 5764 4.1.1: the server picks from the client's list):
         * AEAD_AES_128_GCM first, as LiveKit (pion) and browsers order them, unless AES-CM measured at
         * least 10% cheaper here (CPUs whose JVM computes SHA-1 in hardware) and GCM's GHASH is the table.
         * With the carry-less GHASH GCM does less work than AES-CM whatever the CPU (the same AES keystream,
         * plus one block, against HMAC-SHA1 over the packet; sfu-core README), and timing it at start is
         * unreliable: until C2 compiles the caller, the JDK's GHASH runs as bit-by-bit Java, ~50 times slower
         * (a LoadBench start under load negotiated AES-CM, most likely so).
         */
        public List<SrtpProfile> preference() {
            boolean cmFaster = ok && !gcmHardwareHash && aesCmNanos > 0 && gcmNanos > 0 && aesCmNanos * 10 < gcmNanos * 9;
            return cmFaster
                    ? List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)
                    : List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        }
    }

    private CryptoWarmUp() {
    }

    /** Warms up, then times; {@link Result#ok()} is false if any round trip failed. */
    public static Result run() {
        SecureRandom random = new SecureRandom();
        boolean ok = true;
        for (SrtpProfile p : SrtpProfile.values()) {
            ok &= srtpRoundTrips(p, random, ROUNDS, true);
        }
        long[] best = ok ? timeBoth(p -> {
            long t0 = System.nanoTime();
            return srtpRoundTrips(p, random, BLOCK_ROUNDS, false) ? (System.nanoTime() - t0) / BLOCK_ROUNDS : -1;
        }, System::nanoTime) : null;
        boolean macs = otherMacs(random); // warmed even when a round trip failed, as before the timing
        ok &= best != null && macs;
        return new Result(ok, ok ? best[0] : 0, ok ? best[1] : 0, SrtpSession.gcmHashIsCarryless());
    }

    /**
     * Interleaved blocks of both profiles (which goes first alternates), at least {@link #TIMED_BLOCKS}, then until
     * both fastest times have settled ({@link #SETTLED_BLOCKS}) or the budget is spent: a fixed number of blocks
     * right after the warm-up can end while one profile still runs less optimised code than the other (the JIT
     * compiles tier by tier, later under load). Returns {AES-CM ns, GCM ns}, or null when a round trip failed.
     */
    static long[] timeBoth(BlockTimer timer, LongSupplier nanoClock) {
        long start = nanoClock.getAsLong();
        long cm = Long.MAX_VALUE;
        long gcm = Long.MAX_VALUE;
        int sinceImproved = 0;
        for (int b = 0; ; b++) {
            boolean cmFirst = (b & 1) == 0;
            long first = timer.nanosPerPacket(cmFirst ? SrtpProfile.AES_CM_128_HMAC_SHA1_80 : SrtpProfile.AEAD_AES_128_GCM);
            long second = timer.nanosPerPacket(cmFirst ? SrtpProfile.AEAD_AES_128_GCM : SrtpProfile.AES_CM_128_HMAC_SHA1_80);
            if (first < 0 || second < 0) return null;
            long c = cmFirst ? first : second;
            long g = cmFirst ? second : first;
            boolean improved = dropped(cm, c) || dropped(gcm, g);
            cm = Math.min(cm, c);
            gcm = Math.min(gcm, g);
            sinceImproved = improved ? 0 : sinceImproved + 1;
            if (b + 1 >= TIMED_BLOCKS && sinceImproved >= SETTLED_BLOCKS) break;
            if (nanoClock.getAsLong() - start >= TIMING_BUDGET_NANOS) break;
        }
        return new long[] {cm, gcm};
    }

    private static boolean dropped(long best, long now) {
        return best == Long.MAX_VALUE || now * 100 < best * (100 - SETTLED_PERCENT);
    }

    /** The STUN HMAC-SHA1 and the SCTP cookie HMAC-SHA256. */
    private static boolean otherMacs(SecureRandom random) {
        try {
            byte[] key = new byte[32];
            random.nextBytes(key);
            StunMessage.hmacSha1(key).doFinal(key);
            Mac sha256 = Mac.getInstance("HmacSHA256");
            sha256.init(new SecretKeySpec(key, "HmacSHA256"));
            sha256.doFinal(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
        return true;
    }

    /**
     * @param withRtcp also an SRTCP round trip every 20 rounds (the warm-up; the timed blocks are RTP
     *                 only, their key setup is the same for both profiles and small against {@link #BLOCK_ROUNDS})
     */
    private static boolean srtpRoundTrips(SrtpProfile p, SecureRandom random, int rounds, boolean withRtcp) {
        byte[] km = new byte[2 * (p.keyLength() + p.saltLength())];
        random.nextBytes(km);
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(p, km, false);
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(p, km, true);
        SrtpSession send = SrtpSession.sender(p, server.localKey(), server.localSalt());
        SrtpSession recv = SrtpSession.receiver(p, client.remoteKey(), client.remoteSalt());
        byte[] rtp = new byte[12 + 160 + send.maxOverhead()];
        byte[] rtcp = new byte[8 + 24 + send.maxOverhead()];
        for (int i = 0; i < rounds; i++) {
            rtp[0] = (byte) 0x80;
            rtp[1] = 96;
            rtp[2] = (byte) (i >> 8);
            rtp[3] = (byte) i;
            rtp[11] = 1; // SSRC 1
            Arrays.fill(rtp, 12, 12 + 160, (byte) i);
            int n = send.protectRtp(rtp, 0, 12 + 160);
            if (n < 0 || recv.unprotectRtp(rtp, 0, n) != 12 + 160 || rtp[12 + 159] != (byte) i) return false;
            if (withRtcp && i % 20 == 0) {
                Arrays.fill(rtcp, (byte) 0);
                rtcp[0] = (byte) 0x80;
                rtcp[1] = (byte) 201; // RR, RFC 3550 6.4.2
                rtcp[3] = 7;
                rtcp[7] = 1;
                rtcp[31] = (byte) i;
                int m = send.protectRtcp(rtcp, 0, 32);
                if (m < 0 || recv.unprotectRtcp(rtcp, 0, m) != 32 || rtcp[31] != (byte) i) return false;
            }
        }
        return true;
    }
}
