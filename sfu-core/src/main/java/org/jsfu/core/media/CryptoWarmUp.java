package org.jsfu.core.media;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
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
    static final int BLOCK_ROUNDS = 1000;

    /**
     * @param ok every round trip gave back what was protected
     * @param aesCmNanos fastest AES_CM_128_HMAC_SHA1_80 RTP protect + unprotect measured, per packet
     * @param gcmNanos the same for AEAD_AES_128_GCM
     */
    public record Result(boolean ok, long aesCmNanos, long gcmNanos) {
        /**
         * The server's use_srtp order (RFC 5764 4.1.1: the server picks from the client's list):
         * AEAD_AES_128_GCM first, as LiveKit (pion) and browsers order them, unless AES-CM measured at
         * least 10% cheaper here (CPUs whose JVM computes SHA-1 in hardware).
         */
        public List<SrtpProfile> preference() {
            boolean cmFaster = ok && aesCmNanos > 0 && gcmNanos > 0 && aesCmNanos * 10 < gcmNanos * 9;
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
        long cm = Long.MAX_VALUE;
        long gcm = Long.MAX_VALUE;
        for (int b = 0; b < TIMED_BLOCKS && ok; b++) {
            long t0 = System.nanoTime();
            ok = srtpRoundTrips(SrtpProfile.AES_CM_128_HMAC_SHA1_80, random, BLOCK_ROUNDS, false);
            long t1 = System.nanoTime();
            ok &= srtpRoundTrips(SrtpProfile.AEAD_AES_128_GCM, random, BLOCK_ROUNDS, false);
            long t2 = System.nanoTime();
            cm = Math.min(cm, (t1 - t0) / BLOCK_ROUNDS);
            gcm = Math.min(gcm, (t2 - t1) / BLOCK_ROUNDS);
        }
        ok &= otherMacs(random);
        return new Result(ok, ok ? cm : 0, ok ? gcm : 0);
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
     *                 only, their key setup is the same for both profiles and small against 1000 rounds)
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
