package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.jsfu.core.bwe.SendHistory;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's first pass ({@link DownTrack#touch}) only reads: extra passes at any sequence number, on
 * negotiated and not yet negotiated DownTracks, leave every forwarded SRTP packet byte for byte as
 * without them, and duplicates are still dropped; for both SRTP profiles (each transform has its own
 * {@code touch}).
 */
class FanOutFirstPassTest {

    /** A subscriber PC that protects with its own SRTP session and keeps the datagrams. */
    private static final class SrtpSent extends ForwardingTest.Sent {
        final SrtpSession srtp;

        SrtpSent(SrtpProfile p) {
            byte[] key = new byte[p.keyLength()];
            byte[] salt = new byte[p.saltLength()];
            Arrays.fill(key, (byte) 7);
            Arrays.fill(salt, (byte) 9);
            srtp = SrtpSession.sender(p, key, salt);
        }

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            int n = srtp.protectRtp(b, off, len, index);
            super.sendRtp(b, off, n, index);
        }

        @Override
        public int touch(int stage) {
            return srtp.touch(stage);
        }
    }

    /** One publisher track to two subscribers (one negotiated late); returns each subscriber's datagrams. */
    private static List<List<byte[]>> run(SrtpProfile profile, boolean extraPasses) {
        byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
        UpTrack up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
        up.addLayer(0, 42);
        SrtpSent early = new SrtpSent(profile);
        SrtpSent late = new SrtpSent(profile);
        DownTrack a = new DownTrack("TR_a", "1", up, early, 111, 0x0A0A0A0A, 100, 1000);
        a.negotiated = true;
        a.setHeaderExtensions(3, 2, 1, new SendHistory(1024));
        DownTrack b = new DownTrack("TR_a", "1", up, late, 111, 0x0B0B0B0B, 200, 2000);
        b.setHeaderExtensions(3, -1, 1, new SendHistory(1024));
        up.downs.add(a);
        up.downs.add(b);
        long now = 1_000_000_000L;
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < 200; i++) {
            if (i == 50) {
                b.negotiated = true;
            }
            int seq = 65_500 + i; // across the 16-bit wrap, so the ROC moves
            if (extraPasses) {
                for (long s : new long[] {seq, seq + 1, seq - 3, seq - 40, 3L * seq + i, 0}) {
                    for (int stage = 0; stage <= DownTrack.TOUCH_STAGES; stage++) { // and one past the last
                        a.touch(s, stage);
                        b.touch(s, stage);
                    }
                }
            }
            up.onRtp(ForwardingTest.wrap(ForwardingTest.rtp(111, seq & 0xffff, 960L * i, 42, payload, 0)),
                    0, (now += 20_000_000L), scratch);
            if (i % 10 == 9) { // a duplicate of a packet already forwarded: dropped, unless some pass forgot it
                up.onRtp(ForwardingTest.wrap(ForwardingTest.rtp(111, (seq - 3) & 0xffff, 960L * (i - 3), 42, payload, 0)),
                        0, now + 1_000_000L, scratch);
            }
        }
        return List.of(early.packets, late.packets);
    }

    @Test
    void extraFirstPassesChangeNoForwardedByteWithAesCm() {
        extraFirstPassesChangeNoForwardedByte(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }

    @Test
    void extraFirstPassesChangeNoForwardedByteWithGcm() {
        extraFirstPassesChangeNoForwardedByte(SrtpProfile.AEAD_AES_128_GCM);
    }

    private static void extraFirstPassesChangeNoForwardedByte(SrtpProfile profile) {
        List<List<byte[]>> plain = run(profile, false);
        List<List<byte[]>> touched = run(profile, true);
        assertEquals(200, plain.get(0).size());
        assertEquals(150, plain.get(1).size(), "the late subscriber gets what comes after its negotiation");
        for (int s = 0; s < 2; s++) {
            assertEquals(plain.get(s).size(), touched.get(s).size());
            for (int i = 0; i < plain.get(s).size(); i++) {
                assertArrayEquals(plain.get(s).get(i), touched.get(s).get(i), "subscriber " + s + " packet " + i);
            }
        }
    }
}
