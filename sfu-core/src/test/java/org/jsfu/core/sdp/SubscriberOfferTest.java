package org.jsfu.core.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriberOfferTest {
    private static final OutgoingMedia AUDIO = OutgoingMedia.audio("1", Codec.opus(111, false), 11111111L,
            "PA_alice", "PA_alice", "TR_AMic");
    private static final OutgoingMedia VIDEO = OutgoingMedia.video("2", Codec.vp8(96), 97, 22222222L, 33333333L,
            "PA_alice", "PA_alice", "TR_VCam");

    private static SubscriberOffer offer(long version, List<OutgoingMedia> media) {
        return SdpNegotiator.buildSubscriberOffer(SdpFixtures.LOCAL, version, media);
    }

    @Test
    void sessionAndDataChannelSection() {
        SubscriberOffer o = offer(3, List.of(AUDIO, VIDEO));
        Sdp sdp = Sdp.parse(o.sdp());
        assertTrue(sdp.line('o').matches("- \\d+ 3 IN IP4 127\\.0\\.0\\.1"), sdp.line('o'));
        assertEquals(List.of("0", "1", "2"), sdp.bundleMids());
        assertEquals("WMS *", sdp.value("msid-semantic"));
        assertTrue(o.sdp().contains("\r\na=msid-semantic: WMS *\r\n"));
        assertTrue(sdp.iceLite());
        List<String> app = SdpFixtures.sectionLines(o.sdp(), "0");
        assertEquals("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", app.get(0));
        assertTrue(app.contains("a=setup:actpass"));
        assertTrue(app.contains("a=sctp-port:5000"));
        for (MediaSection m : sdp.media()) {
            assertEquals(Setup.ACTPASS, m.setup());
            assertEquals("srvU1234", m.iceUfrag());
            assertEquals(SdpFixtures.LOCAL.fingerprintSha256(), m.fingerprint().value());
            assertEquals(1, m.candidates().size());
        }
        // the session id is stable across versions of the same PC (RFC 8866 §5.2)
        String o1 = sdp.line('o').split(" ")[1];
        String o2 = Sdp.parse(offer(4, List.of(AUDIO)).sdp()).line('o').split(" ")[1];
        assertEquals(o1, o2);
    }

    @Test
    void audioSectionAsLiveKitJsParsesIt() {
        SubscriberOffer o = offer(1, List.of(AUDIO));
        List<String> a = SdpFixtures.sectionLines(o.sdp(), "1");
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 111", a.get(0));
        assertTrue(a.contains("a=sendonly"));
        assertTrue(a.contains("a=msid:PA_alice|TR_AMic TR_AMic"));
        assertTrue(a.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(a.contains("a=fmtp:111 minptime=10;useinbandfec=1"));
        assertTrue(a.contains("a=rtcp-fb:111 nack"));
        assertTrue(a.contains("a=ssrc:11111111 cname:PA_alice"));
        assertTrue(a.contains("a=ssrc:11111111 msid:PA_alice|TR_AMic TR_AMic"));
        assertTrue(a.contains("a=rtcp-mux"));
        assertTrue(a.contains("a=rtcp-rsize"));
        assertTrue(a.contains("a=extmap:5 " + RtpExtensionUris.ABS_CAPTURE_TIME));
        // transport-cc with the video's id (one BUNDLE map) and its feedback, so audio counts in the browser's
        // transport-wide feedback; the audio level is copied from the publisher on forwarded packets
        assertTrue(a.contains("a=extmap:3 " + RtpExtensionUris.TRANSPORT_CC));
        assertTrue(a.contains("a=extmap:1 " + RtpExtensionUris.AUDIO_LEVEL));
        assertTrue(a.contains("a=rtcp-fb:111 transport-cc"));
        assertFalse(a.stream().anyMatch(l -> l.contains("ssrc-group")));
        assertEquals(Map.of("1", "TR_AMic"), o.midToTrackId());

        MediaSection m = Sdp.parse(o.sdp()).media("1");
        MediaSection.Msid msid = m.msid();
        String[] streamParts = msid.stream().split("\\|");
        assertEquals("PA_alice", streamParts[0]);
        assertEquals("TR_AMic", streamParts[1]);
        assertEquals("TR_AMic", msid.track());
    }

    @Test
    void stereoAndRedAudio() {
        OutgoingMedia stereo = OutgoingMedia.audio("1", Codec.opus(111, true), 5L, "c", "PA_a", "TR_a");
        assertTrue(offer(1, List.of(stereo)).sdp().contains("a=fmtp:111 minptime=10;useinbandfec=1;sprop-stereo=1\r\n"));
        OutgoingMedia red = OutgoingMedia.audio("1", new Codec(63, "red", 48000, 2, "111/111"), 5L, "c", "PA_a", "TR_a");
        List<String> lines = SdpFixtures.sectionLines(offer(1, List.of(red)).sdp(), "1");
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("a=rtcp-fb:63 nack")), "no nack on RED");
        assertTrue(lines.contains("a=rtcp-fb:63 transport-cc"));
    }

    @Test
    void videoSectionWithRtx() {
        SubscriberOffer o = offer(1, List.of(AUDIO, VIDEO));
        List<String> v = SdpFixtures.sectionLines(o.sdp(), "2");
        assertEquals("m=video 9 UDP/TLS/RTP/SAVPF 96 97", v.get(0));
        assertTrue(v.contains("a=rtpmap:97 rtx/90000"));
        assertTrue(v.contains("a=fmtp:97 apt=96"));
        assertTrue(v.containsAll(List.of("a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc")));
        assertTrue(v.contains("a=ssrc-group:FID 22222222 33333333"));
        assertTrue(v.contains("a=ssrc:33333333 msid:PA_alice|TR_VCam TR_VCam"));
        MediaSection m = Sdp.parse(o.sdp()).media("2");
        assertEquals(SdpNegotiator.SUBSCRIBER_VIDEO_EXTENSIONS, HeaderExtensionIds.of(m));
        assertEquals(Direction.SENDONLY, m.direction());
        assertEquals(Map.of("1", "TR_AMic", "2", "TR_VCam"), o.midToTrackId());
    }

    @Test
    void removedTrackIsInactiveAndMidNotReused() {
        OutgoingMedia next = OutgoingMedia.audio("3", Codec.opus(111, false), 44444444L, "PA_bob", "PA_bob", "TR_BMic");
        SubscriberOffer o = offer(2, List.of(AUDIO.deactivated(), VIDEO, next));
        Sdp sdp = Sdp.parse(o.sdp());
        assertEquals(List.of("0", "1", "2", "3"), sdp.media().stream().map(MediaSection::mid).toList());
        MediaSection removed = sdp.media("1");
        assertEquals(Direction.INACTIVE, removed.direction());
        assertEquals(9, removed.port());
        assertTrue(removed.ssrcs().isEmpty());
        assertEquals(null, removed.msid());
        assertEquals(Map.of("2", "TR_VCam", "3", "TR_BMic"), o.midToTrackId());
        assertEquals(List.of("0", "1", "2", "3"), sdp.bundleMids());

        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> offer(3, List.of(AUDIO, OutgoingMedia.audio("1", Codec.opus(111, false), 9L, "c", "PA_b", "TR_b"))));
        assertTrue(dup.getMessage().contains("duplicate mid '1'"));
        assertThrows(IllegalArgumentException.class, () -> offer(3, List.of(OutgoingMedia.audio("0",
                Codec.opus(111, false), 9L, "c", "PA_b", "TR_b"))), "mid 0 is taken by the data channels");
    }

    @Test
    void explicitApplicationMid() {
        SubscriberOffer o = SdpNegotiator.buildSubscriberOffer(SdpFixtures.LOCAL, 77L, 1,
                List.of(OutgoingMedia.dataChannels("dc"), AUDIO));
        Sdp sdp = Sdp.parse(o.sdp());
        assertEquals("- 77 1 IN IP4 127.0.0.1", sdp.line('o'));
        assertEquals(List.of("dc", "1"), sdp.bundleMids());
        assertThrows(IllegalArgumentException.class, () -> offer(1, List.of(AUDIO, OutgoingMedia.dataChannels("dc"))));
    }

    @Test
    void parsesChromeAnswer() {
        SubscriberOffer o = offer(1, List.of(AUDIO, VIDEO));
        SubscriberAnswerInfo info = SdpNegotiator.parseSubscriberAnswer(SdpFixtures.load("chrome-subscriber-answer.sdp"), o);
        RemoteTransport r = info.remote();
        assertEquals("Rr4e", r.iceUfrag());
        assertEquals("pQ9wE3rT5yU7iO1pA3sD5fG7", r.icePwd());
        assertEquals("sha-256", r.fingerprintAlgorithm());
        assertEquals(Setup.ACTIVE, r.setup());
        assertTrue(r.localIsDtlsServer(), "browser answers active -> it is the DTLS client");
        AnsweredMedia audio = info.byMid("1");
        assertTrue(audio.accepted());
        assertEquals(Direction.RECVONLY, audio.direction());
        assertEquals(List.of(new Codec(111, "opus", 48000, 2, "minptime=10;stereo=1;useinbandfec=1")), audio.codecs());
        assertEquals(4, audio.extensionIds().mid());
        assertEquals(5, audio.extensionIds().absCaptureTime());
        AnsweredMedia video = info.byMid("2");
        assertFalse(video.accepted());
        assertEquals(MediaKind.VIDEO, video.kind());
        assertTrue(info.byMid("0").accepted());
    }

    @Test
    void rejectsAnswersThatDoNotMatchTheOffer() {
        SubscriberOffer o = offer(1, List.of(AUDIO, VIDEO));
        String answer = SdpFixtures.load("chrome-subscriber-answer.sdp");
        SdpParseException count = assertThrows(SdpParseException.class,
                () -> SdpNegotiator.parseSubscriberAnswer(answer, offer(1, List.of(AUDIO))));
        assertTrue(count.getMessage().contains("3 m-lines, offer had 2"));
        SdpParseException mid = assertThrows(SdpParseException.class,
                () -> SdpNegotiator.parseSubscriberAnswer(answer.replace("a=mid:1", "a=mid:9"), o));
        assertTrue(mid.getMessage().contains("does not match offer"));
        SdpParseException setup = assertThrows(SdpParseException.class,
                () -> SdpNegotiator.parseSubscriberAnswer(answer.replace("a=setup:active", "a=setup:actpass"), o));
        assertTrue(setup.getMessage().contains("active or passive"));
        SdpParseException noIce = assertThrows(SdpParseException.class,
                () -> SdpNegotiator.parseSubscriberAnswer(answer.replaceAll("a=ice-ufrag:Rr4e\r\n", ""), o));
        assertTrue(noIce.getMessage().contains("ice-ufrag"));
        RemoteTransport passive = SdpNegotiator.parseSubscriberAnswer(
                answer.replace("a=setup:active", "a=setup:passive"), o).remote();
        assertFalse(passive.localIsDtlsServer());
    }

    @Test
    void offerRoundTripsThroughParser() {
        SubscriberOffer o = offer(5, List.of(AUDIO, VIDEO));
        assertEquals(o.sdp(), Sdp.parse(o.sdp()).toString());
        assertFalse(o.sdp().replace("\r\n", "").contains("\n"));
    }
}
