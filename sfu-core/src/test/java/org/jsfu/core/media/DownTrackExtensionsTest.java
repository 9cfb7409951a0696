package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jsfu.core.bwe.SendHistory;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.Vp8Descriptor;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;
import org.junit.jupiter.api.Test;

/**
 * Forwarded packets carry the extensions the subscriber negotiated, with its ids, in the one-byte form
 * (RFC 8285 4.2): one transport-wide sequence counter across the PC's tracks (retransmissions numbered
 * too), abs-send-time, and the publisher's audio level on audio; the payload (and the VP8 descriptor
 * munging) moves behind the extension block.
 */
class DownTrackExtensionsTest {
    private static final int TCC = 3;
    private static final int AST = 2;
    private static final int LEVEL = 1;
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final ForwardingTest.Sent sent = new ForwardingTest.Sent();
    private final SendHistory history = new SendHistory(1024);

    private static int ext16(byte[] o, int id, int expectLen) {
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(o, 0, o.length));
        long ref = p.findExtension(id);
        assertTrue(ref >= 0, "extension " + id + " present");
        assertEquals(expectLen, RtpPacket.extLength(ref));
        int v = 0;
        for (int i = 0; i < expectLen; i++) {
            v = v << 8 | (o[RtpPacket.extOffset(ref) + i] & 0xff);
        }
        return v;
    }

    @Test
    void audioAndVideoShareOneTransportCounterWithTheSubscribersIds() {
        UpTrack audio = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
        audio.addLayer(0, 42);
        DownTrack a = new DownTrack("TR_a", "1", audio, sent, 109, 0x0A0A0A0A, 100, 1000);
        a.negotiated = true;
        a.setHeaderExtensions(TCC, -1, LEVEL, history);
        audio.downs.add(a);
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), ssrc -> { }, -1);
        video.addLayer(0, 7);
        DownTrack v = new DownTrack("TR_v", "2", video, sent, 96, 0x0B0B0B0B, 200, 2000);
        v.negotiated = true;
        v.setHeaderExtensions(TCC, AST, -1, history);
        video.downs.add(v);

        long now = 5_000_000_000L;
        byte[] payload = {1, 2, 3, 4, 5};
        for (int i = 0; i < 4; i++) {
            audio.onRtp(ForwardingTest.wrap(ForwardingTest.rtp(111, 10 + i, 960L * i, 42, payload, i == 2 ? 3 : 0)),
                    0, now + i * 20_000_000L, scratch);
            video.onRtp(ForwardingTest.wrap(SimulcastForwardingTestPackets.vp8(7, 500 + i, 3000L * i, i == 0, 1000 + i)),
                    0, now + i * 20_000_000L + 1_000_000L, scratch);
        }
        assertEquals(8, sent.packets.size());
        for (int i = 0; i < 8; i++) {
            byte[] o = sent.packets.get(i);
            assertEquals(0x90, o[0] & 0xff, "V=2, X=1, no padding");
            assertEquals(1 + i, ext16(o, TCC, 2), "one transport-wide counter, in sending order");
            boolean isAudio = RtpHeader.ssrc(o, 0) == 0x0A0A0A0A;
            RtpPacket p = new RtpPacket();
            assertTrue(p.wrap(o, 0, o.length));
            if (isAudio) {
                assertEquals(30, ext16(o, LEVEL, 1), "the publisher's audio level, copied");
                assertEquals(-1, p.findExtension(AST), "no abs-send-time where not negotiated");
                assertEquals(12 + 4 + 8, p.headerLength(), "0xBEDE header, tcc (3) + level (2) padded to two words");
                assertArrayEquals(payload, Arrays.copyOfRange(o, p.payloadOffset(), o.length), "padding stripped");
            } else {
                long t = now + (i / 2) * 20_000_000L + 1_000_000L;
                assertEquals(DownTrack.absSendTime(t), ext16(o, AST, 3));
                assertEquals(-1, p.findExtension(LEVEL));
                assertEquals(12 + 4 + 8, p.headerLength(), "tcc (3) + abs-send-time (4) padded to two words");
                Vp8Descriptor d = new Vp8Descriptor();
                assertTrue(d.parse(o, p.payloadOffset(), p.payloadLength()), "VP8 descriptor behind the extensions");
            }
        }
        assertEquals(8, history.sent());
        // a NACKed packet is sent again with a new transport-wide number (each transmission has its own)
        int outSeq = RtpHeader.sequence(sent.packets.get(2), 0);
        byte[] nack = new byte[64];
        int len = Nack.write(nack, 0, 1, a.outSsrc, new int[] {outSeq}, 1);
        assertEquals(1, a.onNack(nack, 0, len, now + 200_000_000L, scratch, new int[64], 10));
        byte[] rtx = sent.packets.get(8);
        assertEquals(outSeq, RtpHeader.sequence(rtx, 0));
        assertEquals(9, ext16(rtx, TCC, 2));
        assertEquals(30, ext16(rtx, LEVEL, 1));
    }

    /**
     * The transport-wide history and abs-send-time record when the packet leaves (our clock, read once per
     * fan-out through the publisher, and per retransmission through the subscriber), not when the
     * publisher's packet or the NACK was received: a loop that falls behind must not look like a queue on
     * the subscriber's downlink (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 1: the sender
     * compares its send times with the receiver's arrival times).
     */
    @Test
    void sendTimesAreTakenWhenThePacketLeavesNotWhenItWasReceived() {
        long received = 7_000_000_000L;
        long lag = 40_000_000L; // the loop forwards the packet 40 ms after the socket received it
        long nackLag = 3_000_000L;
        ForwardingTest.Sent late = new ForwardingTest.Sent() {
            @Override
            public long sendClockNanos(long fallback) {
                return fallback + nackLag;
            }
        };
        TrackPublisher lagging = new TrackPublisher() {
            @Override
            public void sendPli(int mediaSsrc) {}

            @Override
            public long sendClockNanos(long fallback) {
                return fallback + lag;
            }
        };
        UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), lagging, -1);
        video.addLayer(0, 7);
        DownTrack v = new DownTrack("TR_v", "2", video, late, 96, 0x0B0B0B0B, 200, 2000);
        v.negotiated = true;
        v.setHeaderExtensions(TCC, AST, -1, history);
        video.downs.add(v);
        video.onRtp(ForwardingTest.wrap(SimulcastForwardingTestPackets.vp8(7, 500, 0, true, 1000)), 0, received, scratch);
        assertEquals(1, late.packets.size());
        assertEquals(received + lag, history.sentNanos(history.slot(1)), "the send time, on our clock");
        assertEquals(DownTrack.absSendTime(received + lag), ext16(late.packets.get(0), AST, 3));
        long nackAt = received + 100_000_000L;
        assertTrue(v.retransmit(RtpHeader.sequence(late.packets.get(0), 0), nackAt, scratch));
        assertEquals(2, late.packets.size());
        assertEquals(nackAt + nackLag, history.sentNanos(history.slot(2)), "a retransmission's send time, on our clock");
        assertEquals(DownTrack.absSendTime(nackAt + nackLag), ext16(late.packets.get(1), AST, 3));
    }

    @Test
    void absSendTimeIsSixPointEighteenSeconds() {
        assertEquals(0, DownTrack.absSendTime(0));
        assertEquals(1 << 18, DownTrack.absSendTime(1_000_000_000L));
        assertEquals((1 << 18) + (1 << 17), DownTrack.absSendTime(1_500_000_000L));
        assertEquals(0, DownTrack.absSendTime(64_000_000_000L), "24 bits wrap every 64 s");
        assertEquals(0xffffff & -(1 << 18), DownTrack.absSendTime(-1_000_000_000L));
    }

    @Test
    void withoutNegotiatedExtensionsThePacketIsPlainAndIdsOutsideOneByteFormAreSkipped() {
        UpTrack audio = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
        audio.addLayer(0, 42);
        DownTrack a = new DownTrack("TR_a", "1", audio, sent, 109, 0x0A0A0A0A, 100, 1000);
        a.negotiated = true;
        a.setHeaderExtensions(15, 20, -1, history); // 15 is reserved, 20 needs the two-byte form
        audio.downs.add(a);
        audio.onRtp(ForwardingTest.wrap(ForwardingTest.rtp(111, 1, 0, 42, new byte[] {9}, 0)), 0, 1, scratch);
        assertEquals(0, a.headerExtensionLength());
        assertEquals(0x80, sent.packets.get(0)[0] & 0xff);
        assertEquals(13, sent.packets.get(0).length);
        assertEquals(0, history.sent());
    }
}
