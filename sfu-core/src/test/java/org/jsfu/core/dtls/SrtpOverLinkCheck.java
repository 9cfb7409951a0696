package org.jsfu.core.dtls;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.ScriptedLink.Fate;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * After a handshake on a {@link ScriptedLink}: each side splits its own exported keying material
 * (RFC 5764 4.2) as PeerTransport does (the client with localIsClient=true, the server with false) and
 * SRTP and SRTCP (RFC 3711) go both ways over the link, with one packet lost and one reordered per
 * direction and kind, across a sequence-number wrap (ROC 0 to 1, RFC 3711 3.3.1), a late packet from
 * before the wrap, and replays (RFC 3711 3.3.2) that must be rejected. Packets only decrypt if both
 * sides derived the same keys for the same direction and profile: a side that split the material the
 * wrong way round (client key used as server key), or with another profile's lengths, fails here.
 */
final class SrtpOverLinkCheck {
    /** Sequence numbers 65530..65535, 0..5: the wrap sits between media index 5 and 6. */
    static final int FIRST_SEQ = 65530;
    static final int RTP_PACKETS = 12;
    static final int RTCP_PACKETS = 4;
    /** Per direction: the lost and the held-back RTP media index. */
    static final int RTP_LOST = 2;
    static final int RTP_HELD = 5; // seq 65535 arrives after seq 0 (ROC 1)

    private SrtpOverLinkCheck() {
    }

    static void run(ScriptedLink l, SrtpProfile expected) throws Exception {
        SrtpProfile cp = l.clientRec.profile.getNow(null);
        SrtpProfile sp = l.serverRec.profile.getNow(null);
        assertEquals(expected, cp, "client profile");
        assertEquals(expected, sp, "server profile");
        assertEquals(expected, l.client.srtpProfile());
        assertEquals(expected, l.server.srtpProfile());
        assertEquals(expected.keyingMaterialLength(), l.clientRec.keyingMaterial.length);
        assertEquals(expected.keyingMaterialLength(), l.serverRec.keyingMaterial.length);
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(cp, l.clientRec.keyingMaterial, true);
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(sp, l.serverRec.keyingMaterial, false);
        assertFalse(Arrays.equals(client.localKey(), client.remoteKey()), "the two directions use distinct keys");
        // A side that took its own send key as the peer's (the client/server split mixed up).
        SrtpSession serverMixedUp = SrtpSession.receiver(sp, server.localKey(), server.localSalt());
        SrtpSession clientMixedUp = SrtpSession.receiver(cp, client.localKey(), client.localSalt());
        oneWay("c->s " + expected, l.toServer, client.newSender(), server.newReceiver(), serverMixedUp, 0x0C11E27,
                expected);
        oneWay("s->c " + expected, l.toClient, server.newSender(), client.newReceiver(), clientMixedUp, 0x5E27E2,
                expected);
    }

    /**
     * Without a link: SRTP and SRTCP protected with one side's split keys open with the other side's,
     * both ways, and not with a receiver built from the receiving side's own send key.
     */
    static void keysMatch(SrtpProfile p, byte[] clientKm, byte[] serverKm) {
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(p, clientKm, true);
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(p, serverKm, false);
        SrtpKeys[][] pairs = {{client, server}, {server, client}};
        for (SrtpKeys[] pair : pairs) {
            SrtpSession tx = pair[0].newSender();
            SrtpSession rx = pair[1].newReceiver();
            SrtpSession mixedUp = SrtpSession.receiver(p, pair[1].localKey(), pair[1].localSalt());
            byte[] b = rtp(0x1234, 65535, 100);
            byte[] plain = Arrays.copyOf(b, 112);
            int n = tx.protectRtp(b, 0, 112);
            assertEquals(-1, mixedUp.unprotectRtp(b.clone(), 0, n), "own send key must not open the peer's SRTP");
            assertEquals(112, rx.unprotectRtp(b, 0, n));
            assertArrayEquals(plain, Arrays.copyOf(b, 112));
            byte[] c = senderReport(0x1234, 1);
            byte[] cPlain = Arrays.copyOf(c, 28);
            int m = tx.protectRtcp(c, 0, 28);
            assertEquals(-1, mixedUp.unprotectRtcp(c.clone(), 0, m));
            assertEquals(28, rx.unprotectRtcp(c, 0, m));
            assertArrayEquals(cPlain, Arrays.copyOf(c, 28));
        }
    }

    private static void oneWay(String what, ScriptedLink.Direction dir, SrtpSession tx, SrtpSession rx,
                               SrtpSession mixedUp, int ssrc, SrtpProfile p) throws Exception {
        dir.mediaRule = i -> i == RTP_LOST ? Fate.DROP : i == RTP_HELD ? Fate.HOLD : Fate.PASS;
        Map<Integer, byte[]> plainBySeq = new HashMap<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < RTP_PACKETS; i++) {
            int seq = (FIRST_SEQ + i) & 0xFFFF;
            byte[] b = rtp(ssrc, seq, 80 + i);
            int len = 12 + 80 + i;
            plainBySeq.put(seq, Arrays.copyOf(b, len));
            int n = tx.protectRtp(b, 0, len);
            assertEquals(len + p.tagLength(), n, what + ": SRTP length for the profile's tag");
            wire.add(Arrays.copyOf(b, n));
            dir.sendMedia(b, 0, n);
        }
        byte[] probe = wire.get(0).clone();
        assertEquals(-1, mixedUp.unprotectRtp(probe, 0, probe.length), what + ": the other direction's key fails");

        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < RTP_PACKETS - 1; k++) {
            byte[] d = arrive(dir, what);
            int seq = (d[2] & 0xFF) << 8 | (d[3] & 0xFF);
            byte[] buf = Arrays.copyOf(d, d.length);
            int n = rx.unprotectRtp(buf, 0, buf.length);
            assertTrue(n > 0, what + ": seq " + seq + " (order so far " + order + ")");
            assertArrayEquals(plainBySeq.get(seq), Arrays.copyOf(buf, n), what + ": seq " + seq);
            order.add(seq);
        }
        assertEquals(List.of(65530, 65531, 65533, 65534, 0, 65535, 1, 2, 3, 4, 5), order,
                what + ": one lost, one reordered across the wrap");

        // Replays: before and after the wrap. The lost packet arriving late (ROC 0, highest ROC 1) is fine.
        for (int i : new int[] {0, 6, RTP_HELD}) {
            dir.sendMedia(wire.get(i), 0, wire.get(i).length);
            byte[] d = arrive(dir, what);
            assertEquals(-1, rx.unprotectRtp(d, 0, d.length), what + ": replay of media index " + i + " rejected");
        }
        dir.sendMedia(wire.get(RTP_LOST), 0, wire.get(RTP_LOST).length);
        byte[] late = arrive(dir, what);
        int n = rx.unprotectRtp(late, 0, late.length);
        assertArrayEquals(plainBySeq.get(FIRST_SEQ + RTP_LOST), Arrays.copyOf(late, Math.max(n, 0)),
                what + ": late packet from before the wrap");
        assertEquals(-1, rx.unprotectRtp(wire.get(RTP_LOST).clone(), 0, wire.get(RTP_LOST).length),
                what + ": and then it is a replay");

        // SRTCP: index 1 lost, 2 held behind 3 (media indexes continue after the RTP ones: the replays
        // and the late packet above took 4, so RTCP starts at RTP_PACKETS + 4).
        int base = RTP_PACKETS + 4;
        dir.mediaRule = i -> i == base + 1 ? Fate.DROP : i == base + 2 ? Fate.HOLD : Fate.PASS;
        List<byte[]> rtcpPlain = new ArrayList<>();
        List<byte[]> rtcpWire = new ArrayList<>();
        for (int i = 0; i < RTCP_PACKETS; i++) {
            byte[] b = senderReport(ssrc, i);
            rtcpPlain.add(Arrays.copyOf(b, 28));
            int m = tx.protectRtcp(b, 0, 28);
            assertEquals(28 + 4 + p.tagLength(), m, what + ": SRTCP length");
            rtcpWire.add(Arrays.copyOf(b, m));
            dir.sendMedia(b, 0, m);
        }
        byte[] rtcpProbe = rtcpWire.get(0).clone();
        assertEquals(-1, mixedUp.unprotectRtcp(rtcpProbe, 0, rtcpProbe.length), what + ": SRTCP, other key");
        for (int expectedIndex : new int[] {0, 3, 2}) {
            byte[] d = arrive(dir, what);
            int m = rx.unprotectRtcp(d, 0, d.length);
            assertArrayEquals(rtcpPlain.get(expectedIndex), Arrays.copyOf(d, Math.max(m, 0)),
                    what + ": SRTCP " + expectedIndex);
        }
        dir.sendMedia(rtcpWire.get(3), 0, rtcpWire.get(3).length);
        byte[] replay = arrive(dir, what);
        assertEquals(-1, rx.unprotectRtcp(replay, 0, replay.length), what + ": SRTCP replay rejected");
        assertNull(dir.mediaArrived.poll(50, TimeUnit.MILLISECONDS), what + ": nothing else arrived");
    }

    private static byte[] arrive(ScriptedLink.Direction dir, String what) throws InterruptedException {
        byte[] d = dir.mediaArrived.poll(5, TimeUnit.SECONDS);
        assertNotNull(d, what + ": media datagram did not arrive");
        return d;
    }

    /** RTP (RFC 3550 5.1) with a payload derived from seq, 32 spare bytes for the tag. */
    static byte[] rtp(int ssrc, int seq, int payloadLen) {
        byte[] b = new byte[12 + payloadLen + 32];
        b[0] = (byte) 0x80;
        b[1] = 96;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        putInt(b, 4, seq * 3000);
        putInt(b, 8, ssrc);
        for (int i = 0; i < payloadLen; i++) b[12 + i] = (byte) (seq * 31 + i);
        return b;
    }

    /** A 28-byte sender report (RFC 3550 6.4.1) whose body depends on n, spare room for the trailer. */
    static byte[] senderReport(int ssrc, int n) {
        byte[] b = new byte[28 + 32];
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[3] = 6;
        putInt(b, 4, ssrc);
        for (int i = 8; i < 28; i++) b[i] = (byte) (i + 17 * n);
        return b;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
