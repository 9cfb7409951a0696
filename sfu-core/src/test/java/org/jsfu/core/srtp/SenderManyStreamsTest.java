package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subscriber session sends one SSRC per subscribed track, so a big room means more outgoing SSRCs
 * than the session's stream bound. The receiver (a browser's libsrtp keeps a context per SSRC for as
 * long as it lives) must decrypt every packet, also after each SSRC's sequence number wrapped and its
 * ROC became 1 (RFC 3711 3.3.1).
 */
class SenderManyStreamsTest {
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void everyPacketDecryptsWithMoreSsrcsThanTheBoundAcrossTheWrap(SrtpProfile p) {
        byte[] key = new byte[p.keyLength()];
        byte[] salt = new byte[p.saltLength()];
        for (int i = 0; i < key.length; i++) key[i] = (byte) (3 * i + 1);
        for (int i = 0; i < salt.length; i++) salt[i] = (byte) (0x40 + i);
        SrtpSession tx = SrtpSession.sender(p, key, salt);
        SrtpSession rx = SrtpSession.receiver(p, key, salt, 4 * SrtpSession.DEFAULT_MAX_STREAMS);
        int streams = SrtpSession.DEFAULT_MAX_STREAMS + 6;
        int failed = 0;
        int total = 0;
        for (int round = 0; round < 80; round++) {
            for (int s = 0; s < streams; s++) {
                int seq = (65_500 + round) & 0xffff; // every stream wraps at round 36
                byte[] b = SrtpSessionTest.rtp(0x5000 + s, seq, 60);
                int n = tx.protectRtp(b, 0, SrtpSessionTest.rtpLen(60));
                total++;
                if (n < 0 || rx.unprotectRtp(b, 0, n) != SrtpSessionTest.rtpLen(60)) {
                    failed++;
                }
            }
        }
        assertEquals(0, failed, failed + " of " + total + " packets did not decrypt");
    }
}
