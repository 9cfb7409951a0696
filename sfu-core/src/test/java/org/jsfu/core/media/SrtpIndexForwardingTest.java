package org.jsfu.core.media;

import static org.jsfu.core.media.ForwardingTest.rtp;
import static org.jsfu.core.media.ForwardingTest.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * The SRTP index a DownTrack sends with (RFC 3711 3.3.1) is its extended output sequence number, so a
 * subscriber session protects any number of tracks without per-SSRC state, and the browser, which keeps
 * a context per SSRC, decrypts everything across each track's 2^16 wrap.
 */
class SrtpIndexForwardingTest {
    private static final long T0 = 5_000_000_000L;
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];

    /** One subscriber session: our sender context, and the browser's receiver (libsrtp: no SSRC bound). */
    static final class Browser implements TrackSubscriber {
        final SrtpSession tx;
        final SrtpSession rx;
        final List<Long> indices = new ArrayList<>();
        /** Output sequence numbers the browser does not receive (lost on the way). */
        LongPredicate lost = seq -> false;
        int decrypted;
        int failed;

        Browser(SrtpProfile p) {
            byte[] key = new byte[p.keyLength()];
            byte[] salt = new byte[p.saltLength()];
            Arrays.fill(key, (byte) 0x5a);
            Arrays.fill(salt, (byte) 0x21);
            tx = SrtpSession.sender(p, key, salt);
            rx = SrtpSession.receiver(p, key, salt, 100_000);
        }

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            indices.add(index);
            int n = tx.protectRtp(b, off, len, index);
            if (n < 0) {
                failed++;
                return;
            }
            if (lost.test(RtpHeader.sequence(b, off))) {
                return;
            }
            byte[] wire = Arrays.copyOfRange(b, off, off + n + 16);
            if (rx.unprotectRtp(wire, 0, n) == len) {
                decrypted++;
            } else {
                failed++;
            }
        }

        @Override
        public void removeDownTrack(String trackSid) {
        }
    }

    @Test
    void seventyTracksToOneSubscriberAllDecryptAcrossTheWrap() {
        for (SrtpProfile p : SrtpProfile.values()) {
            Browser browser = new Browser(p);
            int tracks = SrtpSession.DEFAULT_MAX_STREAMS + 6;
            List<UpTrack> ups = new ArrayList<>();
            for (int t = 0; t < tracks; t++) {
                UpTrack up = new UpTrack("TR_" + t, "PA_" + t, false, Codec.opus(111, false),
                        new ForwardingTest.Plis(), -1);
                DownTrack d = new DownTrack("TR_" + t, "1", up, browser, 111, 0x7000 + t, 65_500 + t, 0);
                d.negotiated = true;
                up.downs.add(d);
                ups.add(up);
            }
            int rounds = 120; // every track's output sequence wraps within the first 36 + 70 rounds
            for (int r = 0; r < rounds; r++) {
                for (int t = 0; t < tracks; t++) {
                    ups.get(t).onRtp(wrap(rtp(111, 10 + r, 960L * r, 0x100 + t, new byte[] {1, 2, (byte) r}, 0)),
                            0, T0 + r * 20_000_000L, scratch);
                }
            }
            assertEquals(0, browser.failed, p + ": packets that did not decrypt");
            assertEquals(rounds * tracks, browser.decrypted, p.toString());
        }
    }

    @Test
    void theIndexIsTheExtendedOutputSequenceAndARetransmissionKeepsItsOwn() {
        Browser browser = new Browser(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        browser.lost = seq -> seq == 65_535;
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), new ForwardingTest.Plis(), -1);
        up.addLayer(0, 42);
        DownTrack d = new DownTrack("TR_a", "1", up, browser, 111, 0x0A0B0C0D, 65_533, 0);
        d.negotiated = true;
        up.downs.add(d);
        for (int i = 0; i < 6; i++) {
            up.onRtp(wrap(rtp(111, 300 + i, 960L * i, 42, new byte[] {(byte) i}, 0)), 0, T0 + i * 20_000_000L,
                    scratch);
        }
        assertEquals(List.of(65_533L, 65_534L, 65_535L, 65_536L, 65_537L, 65_538L), browser.indices,
                "ROC 1 after the wrap");
        assertEquals(5, browser.decrypted, "all but the lost one");
        browser.lost = seq -> false;
        assertTrue(d.retransmit(65_535, T0 + 200_000_000L, scratch), "the ring still holds it");
        assertEquals(65_535L, browser.indices.get(6), "the retransmission keeps ROC 0");
        assertEquals(6, browser.decrypted, "and the browser decrypts it");
        assertEquals(0, browser.failed);
    }
}
