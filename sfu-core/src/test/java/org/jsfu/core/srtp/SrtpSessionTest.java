package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpSessionTest {
    private static final int SSRC = 0x11223344;

    private static byte[] key(SrtpProfile p) {
        byte[] k = new byte[p.keyLength()];
        for (int i = 0; i < k.length; i++) k[i] = (byte) (i * 7 + 1);
        return k;
    }

    private static byte[] salt(SrtpProfile p) {
        byte[] s = new byte[p.saltLength()];
        for (int i = 0; i < s.length; i++) s[i] = (byte) (0xa0 + i);
        return s;
    }

    private static SrtpSession tx(SrtpProfile p) { return SrtpSession.sender(p, key(p), salt(p)); }

    private static SrtpSession rx(SrtpProfile p) { return SrtpSession.receiver(p, key(p), salt(p)); }

    /** RTP packet with a one-byte-header extension, in a buffer with 32 spare bytes. */
    static byte[] rtp(int ssrc, int seq, int payloadLen) {
        byte[] b = new byte[12 + 8 + payloadLen + 32];
        b[0] = (byte) 0x90; // V=2, X=1
        b[1] = 111;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        SrtpTransform.putInt(b, 4, seq * 960);
        SrtpTransform.putInt(b, 8, ssrc);
        b[12] = (byte) 0xbe;
        b[13] = (byte) 0xde;
        b[15] = 1; // one word of extension
        b[16] = 0x10;
        b[17] = 0x55;
        for (int i = 0; i < payloadLen; i++) b[20 + i] = (byte) (seq + i);
        return b;
    }

    static int rtpLen(int payloadLen) { return 20 + payloadLen; }

    /** A 28-byte RTCP sender report. */
    static byte[] rtcp(int ssrc) {
        byte[] b = new byte[28 + 32];
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[3] = 6;
        SrtpTransform.putInt(b, 4, ssrc);
        for (int i = 8; i < 28; i++) b[i] = (byte) i;
        return b;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTrip(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        for (int seq = 1000; seq < 1010; seq++) {
            byte[] b = rtp(SSRC, seq, 120);
            byte[] plain = Arrays.copyOf(b, rtpLen(120));
            int n = tx.protectRtp(b, 0, rtpLen(120));
            assertEquals(rtpLen(120) + p.tagLength(), n);
            assertArrayEquals(Arrays.copyOf(plain, 20), Arrays.copyOf(b, 20), "header stays clear");
            assertNotEquals(Hex.encode(plain, 20, 120), Hex.encode(b, 20, 120), "payload encrypted");
            assertEquals(rtpLen(120), rx.unprotectRtp(b, 0, n));
            assertArrayEquals(plain, Arrays.copyOf(b, rtpLen(120)));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpAtNonZeroOffset(SrtpProfile p) {
        byte[] pkt = rtp(SSRC, 7, 50);
        byte[] b = new byte[pkt.length + 10];
        System.arraycopy(pkt, 0, b, 10, pkt.length);
        int n = tx(p).protectRtp(b, 10, rtpLen(50));
        assertEquals(rtpLen(50), rx(p).unprotectRtp(b, 10, n));
        assertArrayEquals(Arrays.copyOf(pkt, rtpLen(50)), Arrays.copyOfRange(b, 10, 10 + rtpLen(50)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripAndReplay(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        for (int i = 0; i < 5; i++) {
            byte[] b = rtcp(SSRC);
            byte[] plain = Arrays.copyOf(b, 28);
            int n = tx.protectRtcp(b, 0, 28);
            assertEquals(28 + 4 + p.tagLength(), n);
            byte[] copy = b.clone();
            assertEquals(28, rx.unprotectRtcp(b, 0, n));
            assertArrayEquals(plain, Arrays.copyOf(b, 28));
            assertEquals(-1, rx.unprotectRtcp(copy, 0, n), "replayed SRTCP index");
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedPacketsFail(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        byte[] good = rtp(SSRC, 1, 120);
        int n = tx.protectRtp(good, 0, rtpLen(120));
        for (int pos : new int[] {1, 5, 17, 30, n - 1}) {
            byte[] b = good.clone();
            b[pos] ^= 0x01;
            assertEquals(-1, rx.unprotectRtp(b, 0, n), "flip at " + pos);
        }
        assertEquals(rtpLen(120), rx.unprotectRtp(good.clone(), 0, n), "untampered still accepted");
        byte[] c = rtcp(SSRC);
        int m = tx.protectRtcp(c, 0, 28);
        c[m - 1] ^= (byte) 0x80;
        assertEquals(-1, rx.unprotectRtcp(c, 0, m));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayAndWindow(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        byte[][] pkts = new byte[200][];
        int[] lens = new int[200];
        for (int i = 0; i < 200; i++) {
            pkts[i] = rtp(SSRC, i, 40);
            lens[i] = tx.protectRtp(pkts[i], 0, rtpLen(40));
        }
        for (int i = 0; i < 200; i++) {
            if (i == 60 || i == 150) continue;
            assertEquals(rtpLen(40), rx.unprotectRtp(pkts[i].clone(), 0, lens[i]), "seq " + i);
        }
        assertEquals(-1, rx.unprotectRtp(pkts[199].clone(), 0, lens[199]), "duplicate of newest");
        assertEquals(-1, rx.unprotectRtp(pkts[100].clone(), 0, lens[100]), "duplicate in window");
        assertEquals(rtpLen(40), rx.unprotectRtp(pkts[150].clone(), 0, lens[150]), "late but in window");
        assertEquals(-1, rx.unprotectRtp(pkts[150].clone(), 0, lens[150]), "accepted only once");
        assertEquals(-1, rx.unprotectRtp(pkts[60].clone(), 0, lens[60]), "older than 128 packets");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rolloverAcrossSeqWrap(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        int seq = 65530;
        byte[] afterWrap = null;
        int afterLen = 0;
        for (int i = 0; i < 20; i++, seq = (seq + 1) & 0xffff) {
            byte[] b = rtp(SSRC, seq, 30);
            int n = tx.protectRtp(b, 0, rtpLen(30));
            if (seq == 3) {
                afterWrap = b.clone();
                afterLen = n;
            }
            assertEquals(rtpLen(30), rx.unprotectRtp(b, 0, n), "seq " + seq);
        }
        // the sender used ROC 1 after the wrap: a receiver that assumes ROC 0 cannot authenticate it
        assertEquals(-1, rx(p).unprotectRtp(afterWrap.clone(), 0, afterLen));
        // a reordered pre-wrap packet (ROC 0) still decrypts after the wrap, once
        SrtpSession tx2 = tx(p);
        SrtpSession rx2 = rx(p);
        byte[][] pre = new byte[6][];
        int[] preLen = new int[6];
        for (int s = 65530; s < 65536; s++) {
            pre[s - 65530] = rtp(SSRC, s, 30);
            preLen[s - 65530] = tx2.protectRtp(pre[s - 65530], 0, rtpLen(30));
        }
        byte[] post = rtp(SSRC, 1, 30);
        int postLen = tx2.protectRtp(post, 0, rtpLen(30));
        // retransmission of an old pre-wrap seq by the sender keeps ROC 0
        byte[] rtx = rtp(SSRC, 65534, 30);
        int rtxLen = tx2.protectRtp(rtx, 0, rtpLen(30));
        assertArrayEquals(Arrays.copyOf(pre[4], preLen[4]), Arrays.copyOf(rtx, rtxLen));
        assertEquals(rtpLen(30), rx2.unprotectRtp(pre[0], 0, preLen[0]));
        assertEquals(rtpLen(30), rx2.unprotectRtp(post, 0, postLen));
        assertEquals(rtpLen(30), rx2.unprotectRtp(pre[5], 0, preLen[5]));
        assertEquals(rtpLen(30), rx2.unprotectRtp(rtx, 0, rtxLen), "65534 not seen yet: accepted");
        assertEquals(-1, rx2.unprotectRtp(pre[4], 0, preLen[4]), "same index again: replay");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void senderFollowsSequenceJumps(SrtpProfile p) {
        SrtpSession tx = tx(p);
        SrtpSession rx = rx(p);
        // forward jumps below 2^15 are unambiguous for the receiver's estimate (RFC 3711 section 3.3.1)
        int[] seqs = {10, 11, 5000, 30000, 60000, 100, 101, 30000, 62000, 65535, 2, 20000};
        for (int s : seqs) {
            byte[] b = rtp(SSRC, s, 30);
            int n = tx.protectRtp(b, 0, rtpLen(30));
            assertEquals(rtpLen(30), rx.unprotectRtp(b, 0, n), "seq " + s);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void floodOfUnknownSsrcsWithBadTagsCreatesNoState(SrtpProfile p) {
        SrtpSession rx = rx(p);
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] b = new byte[200];
        for (int i = 0; i < 100_000; i++) {
            byte[] pkt = rtp(rnd.nextInt(), rnd.nextInt(65536), 100);
            for (int j = 20; j < 120 + p.tagLength(); j++) pkt[j] = (byte) rnd.nextInt();
            assertEquals(-1, rx.unprotectRtp(pkt, 0, rtpLen(100) + p.tagLength()));
            byte[] c = rtcp(rnd.nextInt());
            for (int j = 8; j < 28 + 4 + p.tagLength(); j++) c[j] = (byte) rnd.nextInt();
            assertEquals(-1, rx.unprotectRtcp(c, 0, 28 + 4 + p.tagLength()));
        }
        assertEquals(0, rx.streamCount());
        // and a valid packet does create state
        byte[] ok = rtp(SSRC, 1, 10);
        int n = tx(p).protectRtp(ok, 0, rtpLen(10));
        assertEquals(rtpLen(10), rx.unprotectRtp(ok, 0, n));
        assertEquals(1, rx.streamCount());
    }

    @Test
    void ssrcCountIsBounded() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        SrtpSession tx = tx(p);
        SrtpSession rx = SrtpSession.receiver(p, key(p), salt(p), 4);
        for (int s = 0; s < 10; s++) {
            byte[] b = rtp(1000 + s, 1, 10);
            int n = tx.protectRtp(b, 0, rtpLen(10));
            assertEquals(rtpLen(10), rx.unprotectRtp(b, 0, n));
        }
        assertEquals(4, rx.streamCount());
    }

    @Test
    void gcmProtectsTheSameIndexTwice() {
        SrtpSession tx = tx(SrtpProfile.AEAD_AES_128_GCM);
        byte[] a = rtp(SSRC, 9, 20);
        byte[] b = a.clone();
        int n = tx.protectRtp(a, 0, rtpLen(20));
        assertEquals(n, tx.protectRtp(b, 0, rtpLen(20)));
        assertArrayEquals(a, b);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void malformedAndShortBuffers(SrtpProfile p) {
        SrtpSession tx = tx(p);
        byte[] tight = Arrays.copyOf(rtp(SSRC, 1, 10), rtpLen(10));
        assertEquals(-1, tx.protectRtp(tight, 0, rtpLen(10)), "no room for the tag");
        byte[] v1 = rtp(SSRC, 1, 10);
        v1[0] = 0x50;
        assertEquals(-1, tx.protectRtp(v1, 0, rtpLen(10)));
        assertEquals(-1, rx(p).unprotectRtp(new byte[40], 0, 11));
        assertThrows(IllegalStateException.class, () -> tx.unprotectRtp(new byte[40], 0, 40));
    }

    @Test
    void keysSplitPerRfc5764() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] km = new byte[p.keyingMaterialLength()];
        for (int i = 0; i < km.length; i++) km[i] = (byte) i;
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(p, km, true);
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(p, km, false);
        assertArrayEquals(Arrays.copyOfRange(km, 0, 16), client.localKey());
        assertArrayEquals(Arrays.copyOfRange(km, 16, 32), client.remoteKey());
        assertArrayEquals(Arrays.copyOfRange(km, 32, 46), client.localSalt());
        assertArrayEquals(Arrays.copyOfRange(km, 46, 60), client.remoteSalt());
        assertArrayEquals(client.localKey(), server.remoteKey());
        assertArrayEquals(client.remoteSalt(), server.localSalt());
        SrtpProfile g = SrtpProfile.AEAD_AES_128_GCM;
        byte[] km2 = Arrays.copyOf(km, g.keyingMaterialLength());
        SrtpKeys gs = SrtpKeys.fromKeyingMaterial(g, km2, false);
        assertArrayEquals(Arrays.copyOfRange(km2, 16, 32), gs.localKey());
        assertArrayEquals(Arrays.copyOfRange(km2, 44, 56), gs.localSalt());
        assertArrayEquals(Arrays.copyOfRange(km2, 32, 44), gs.remoteSalt());
        // client's sender talks to server's receiver
        byte[] b = rtp(SSRC, 3, 50);
        int n = client.newSender().protectRtp(b, 0, rtpLen(50));
        assertEquals(rtpLen(50), server.newReceiver().unprotectRtp(b.clone(), 0, n));
        assertEquals(-1, client.newReceiver().unprotectRtp(b, 0, n));
        assertThrows(IllegalArgumentException.class, () -> SrtpKeys.fromKeyingMaterial(p, new byte[59], true));
    }

    @Test
    void rocEstimateFollowsAppendixA() {
        StreamState s = new StreamState();
        s.reset(1);
        s.accept(65535);
        assertEquals(0x10000L, s.estimateIndex(0));
        assertEquals(65500L, s.estimateIndex(65500));
        s.accept(0x10005);
        assertEquals(65530L, s.estimateIndex(65530));
        assertEquals(0x10010L, s.estimateIndex(0x10));
        StreamState f = new StreamState();
        f.reset(2);
        f.accept(100);
        assertEquals(-1L, f.estimateIndex(65000), "ROC would be -1");
    }
}
