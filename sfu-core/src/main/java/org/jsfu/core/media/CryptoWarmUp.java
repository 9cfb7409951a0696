package org.jsfu.core.media;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
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
 * of them for the JIT to compile the per-packet paths.
 */
public final class CryptoWarmUp {
    static final int ROUNDS = 2000;

    private CryptoWarmUp() {
    }

    /** Returns true if every round trip gave back what was protected. */
    public static boolean run() {
        SecureRandom random = new SecureRandom();
        boolean ok = true;
        for (SrtpProfile p : SrtpProfile.values()) {
            ok &= srtpRoundTrips(p, random);
        }
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
        return ok;
    }

    private static boolean srtpRoundTrips(SrtpProfile p, SecureRandom random) {
        byte[] km = new byte[2 * (p.keyLength() + p.saltLength())];
        random.nextBytes(km);
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(p, km, false);
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(p, km, true);
        SrtpSession send = SrtpSession.sender(p, server.localKey(), server.localSalt());
        SrtpSession recv = SrtpSession.receiver(p, client.remoteKey(), client.remoteSalt());
        byte[] rtp = new byte[12 + 160 + send.maxOverhead()];
        byte[] rtcp = new byte[8 + 24 + send.maxOverhead()];
        for (int i = 0; i < ROUNDS; i++) {
            rtp[0] = (byte) 0x80;
            rtp[1] = 96;
            rtp[2] = (byte) (i >> 8);
            rtp[3] = (byte) i;
            rtp[11] = 1; // SSRC 1
            Arrays.fill(rtp, 12, 12 + 160, (byte) i);
            int n = send.protectRtp(rtp, 0, 12 + 160);
            if (n < 0 || recv.unprotectRtp(rtp, 0, n) != 12 + 160 || rtp[12 + 159] != (byte) i) return false;
            if (i % 20 == 0) {
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
