package org.jsfu.core.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublisherAnswerTest {
    private static final String AUDIO_CID = "c1a2b3d4-0000-4e5f-8a9b-0123456789ab";
    private static final String CAMERA_CID = "2b4d6f80-aaaa-4bbb-8ccc-ddddeeeeffff";
    private static final String SCREEN_CID = "77aa88bb-ccdd-4eef-9001-223344556677";

    private static PublisherAnswer answer(String fixture, CodecPolicy policy) {
        return SdpNegotiator.answerPublisherOffer(SdpFixtures.load(fixture), SdpFixtures.LOCAL, policy);
    }

    @Test
    void audioOfferAnswerKeepsOrderMidsAndBundle() {
        PublisherAnswer a = answer("chrome-audio-offer.sdp", CodecPolicy.defaults());
        Sdp sdp = Sdp.parse(a.sdp());
        assertTrue(a.sdp().endsWith("\r\n"));
        assertFalse(a.sdp().replace("\r\n", "").contains("\n"), "CRLF only");
        assertEquals(List.of("audio", "application"), sdp.media().stream().map(MediaSection::media).toList());
        assertEquals(List.of("0", "1"), sdp.media().stream().map(MediaSection::mid).toList());
        assertEquals(List.of("0", "1"), sdp.bundleMids());
        assertTrue(sdp.iceLite());
        assertTrue(a.sdp().startsWith("v=0\r\no=- "));
        for (MediaSection m : sdp.media()) {
            assertEquals(Setup.PASSIVE, m.setup());
            assertEquals("srvU1234", m.iceUfrag());
            assertEquals("serverPassword0123456789ab", m.icePwd());
            assertEquals("sha-256", m.fingerprint().algorithm());
            assertEquals(SdpFixtures.LOCAL.fingerprintSha256(), m.fingerprint().value());
            assertEquals(List.of("1 1 udp 2130706431 127.0.0.1 7882 typ host generation 0"), m.candidates());
            assertTrue(m.endOfCandidates());
        }
    }

    @Test
    void audioChoosesOpusWithoutRedAndAppendsDtx() {
        PublisherAnswer a = answer("chrome-audio-offer.sdp", CodecPolicy.defaults());
        MediaSection audio = Sdp.parse(a.sdp()).media("0");
        List<String> lines = SdpFixtures.sectionLines(a.sdp(), "0");
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 111", lines.get(0));
        assertTrue(lines.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(lines.contains("a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1"));
        assertTrue(lines.contains("a=rtcp-fb:111 nack"));
        assertFalse(lines.contains("a=rtcp-fb:111 transport-cc"));
        assertFalse(a.sdp().contains("red/48000"));
        assertTrue(audio.rtcpMux() && audio.rtcpRsize());
        assertEquals(Direction.RECVONLY, audio.direction());
        // only mid and audio level of the offered extensions, with the offer's ids
        assertEquals(List.of(new MediaSection.Extmap(1, null, RtpExtensionUris.AUDIO_LEVEL, ""),
                new MediaSection.Extmap(4, null, RtpExtensionUris.MID, "")), audio.extmaps());

        NegotiatedMedia nm = a.media().get(0);
        assertEquals("0", nm.mid());
        assertEquals(MediaKind.AUDIO, nm.kind());
        assertTrue(nm.accepted() && nm.receiving());
        assertEquals(Direction.SENDONLY, nm.offerDirection());
        assertEquals(new Codec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1;usedtx=1"), nm.codec());
        assertEquals(-1, nm.redPt());
        assertEquals(-1, nm.rtxPt());
        assertEquals(AUDIO_CID, nm.msidTrack());
        assertEquals("7b1e0c7a-54a4-4f0d-9f43-5b43a9a2c7d1", nm.msidStream());
        assertEquals(1, nm.extensionIds().audioLevel());
        assertEquals(4, nm.extensionIds().mid());
        assertEquals(-1, nm.extensionIds().transportCc());
        assertEquals(2749851234L, nm.ssrcs().primary());
        assertEquals(nm, a.byTrackCid(AUDIO_CID));
    }

    @Test
    void dataChannelAnswer() {
        PublisherAnswer a = answer("chrome-audio-offer.sdp", CodecPolicy.defaults());
        List<String> lines = SdpFixtures.sectionLines(a.sdp(), "1");
        assertEquals("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", lines.get(0));
        assertTrue(lines.contains("a=sctp-port:5000"));
        assertTrue(lines.contains("a=max-message-size:262144"));
        NegotiatedMedia nm = a.byMid("1");
        assertEquals(MediaKind.APPLICATION, nm.kind());
        assertTrue(nm.accepted());
        assertNull(nm.codec());
    }

    @Test
    void dtxAndStereoFollowPerTrackFeatures() {
        CodecPolicy noDtxStereo = CodecPolicy.defaults().withAudioFeatures(Set.of(AUDIO_CID), Set.of(AUDIO_CID));
        PublisherAnswer a = answer("chrome-audio-offer.sdp", noDtxStereo);
        assertEquals("minptime=10;useinbandfec=1;stereo=1;maxaveragebitrate=510000", a.media().get(0).codec().fmtp());
        assertTrue(a.sdp().contains("a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;maxaveragebitrate=510000\r\n"));
        CodecPolicy otherTrack = CodecPolicy.defaults().withAudioFeatures(Set.of("someone-else"), Set.of());
        assertEquals("minptime=10;useinbandfec=1;usedtx=1",
                answer("chrome-audio-offer.sdp", otherTrack).media().get(0).codec().fmtp());
    }

    /** livekit-client offers stereo=1 on every opus m-line; only a TF_STEREO track's answer keeps it. */
    @Test
    void offeredStereoAnsweredOnlyForStereoTracks() {
        String offer = SdpFixtures.load("chrome-audio-offer.sdp").replace(
                "a=fmtp:111 minptime=10;useinbandfec=1\r\n", "a=fmtp:111 minptime=10;stereo=1;sprop-stereo=1;useinbandfec=1\r\n");
        assertTrue(offer.contains("stereo=1;sprop-stereo=1"));
        PublisherAnswer mono = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertEquals("minptime=10;useinbandfec=1;usedtx=1", mono.media().get(0).codec().fmtp());
        assertFalse(mono.sdp().contains("stereo"));
        CodecPolicy stereoPolicy = CodecPolicy.defaults().withAudioFeatures(Set.of(), Set.of(AUDIO_CID));
        PublisherAnswer stereo = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, stereoPolicy);
        assertEquals("minptime=10;stereo=1;useinbandfec=1;usedtx=1;maxaveragebitrate=510000",
                stereo.media().get(0).codec().fmtp());
    }

    @Test
    void redOnlyWhenPolicyAllows() {
        PublisherAnswer a = answer("chrome-audio-offer.sdp", CodecPolicy.defaults().withRed(true));
        List<String> lines = SdpFixtures.sectionLines(a.sdp(), "0");
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 63 111", lines.get(0));
        assertTrue(lines.contains("a=fmtp:63 111/111"));
        assertEquals(63, a.media().get(0).redPt());
        assertEquals("opus", a.media().get(0).codec().name());
    }

    @Test
    void videoSimulcastAnswer() {
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", CodecPolicy.defaults());
        Sdp sdp = Sdp.parse(a.sdp());
        assertEquals(List.of("0", "1", "2", "3", "4"), sdp.media().stream().map(MediaSection::mid).toList());
        assertEquals(List.of("0", "1", "2", "3", "4"), sdp.bundleMids());
        assertTrue(sdp.has("extmap-allow-mixed"), "echoed because the DD id 16 needs two-byte headers");

        List<String> v = SdpFixtures.sectionLines(a.sdp(), "2");
        assertEquals("m=video 9 UDP/TLS/RTP/SAVPF 96 97", v.get(0));
        assertTrue(v.contains("a=rtpmap:96 VP8/90000"));
        assertTrue(v.contains("a=rtpmap:97 rtx/90000"));
        assertTrue(v.contains("a=fmtp:97 apt=96"));
        assertFalse(v.stream().anyMatch(l -> l.contains("x-google")), "x-google params are not echoed");
        assertEquals(List.of("a=rtcp-fb:96 transport-cc", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack",
                "a=rtcp-fb:96 nack pli"), v.stream().filter(l -> l.startsWith("a=rtcp-fb")).toList());
        int ridIndex = v.indexOf("a=rid:q recv");
        assertTrue(ridIndex > 0);
        assertEquals(List.of("a=rid:q recv", "a=rid:h recv", "a=rid:f recv", "a=simulcast:recv q;h;f"),
                v.subList(ridIndex, ridIndex + 4));
        assertTrue(v.contains("a=recvonly"));

        NegotiatedMedia cam = a.byMid("2");
        assertEquals(CAMERA_CID, cam.msidTrack());
        assertEquals(new Codec(96, "VP8", 90000, 1, ""), cam.codec());
        assertEquals(97, cam.rtxPt());
        assertEquals(List.of("q", "h", "f"), cam.rids());
        HeaderExtensionIds ids = cam.extensionIds();
        assertEquals(new HeaderExtensionIds(-1, 4, 10, 11, 3, 2, -1, 16), ids);
        assertEquals(-1, cam.ssrcs().primary(), "rid simulcast announces no ssrcs");
        // toffset, video-orientation, playout-delay etc. are not accepted
        assertFalse(a.sdp().contains("toffset"));
        assertFalse(a.sdp().contains("video-orientation"));

        NegotiatedMedia mic = a.byMid("1");
        assertEquals(15, mic.extensionIds().absCaptureTime());
        assertEquals("9d8c7b6a-1111-4222-8333-444455556666", mic.msidTrack());
    }

    @Test
    void screenShareWithFidGroup() {
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", CodecPolicy.defaults());
        NegotiatedMedia screen = a.byTrackCid(SCREEN_CID);
        assertEquals("3", screen.mid());
        assertEquals(3735928559L, screen.ssrcs().primary());
        assertEquals(4023233417L, screen.ssrcs().rtx());
        assertEquals(List.of(), screen.rids());
        assertFalse(SdpFixtures.sectionLines(a.sdp(), "3").stream().anyMatch(l -> l.startsWith("a=rid")));
    }

    @Test
    void recvonlyPlaceholderAnsweredInactive() {
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", CodecPolicy.defaults());
        NegotiatedMedia p = a.byMid("4");
        assertTrue(p.accepted());
        assertFalse(p.receiving());
        assertEquals(Direction.RECVONLY, p.offerDirection());
        assertEquals(Direction.INACTIVE, p.answerDirection());
        assertEquals(Direction.INACTIVE, Sdp.parse(a.sdp()).media("4").direction());
        assertNull(p.msidTrack());
    }

    @Test
    void h264PreferenceNeedsPacketizationMode1AndBaseline() {
        CodecPolicy h264 = CodecPolicy.defaults().withVideoCodecs(List.of("H264", "VP8"));
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", h264);
        NegotiatedMedia cam = a.byMid("2");
        assertEquals(103, cam.codec().pt(), "first H264 with packetization-mode=1 and 42001f");
        assertEquals(104, cam.rtxPt());
        assertTrue(cam.codec().fmtp().contains("packetization-mode=1"));
        assertEquals(109, a.byMid("3").codec().pt());

        CodecPolicy vp9 = CodecPolicy.defaults().withVideoCodecs(List.of("VP9"));
        NegotiatedMedia vp9cam = answer("chrome-av-simulcast-offer.sdp", vp9).byMid("2");
        assertEquals(98, vp9cam.codec().pt(), "profile-id=0, not the profile 2 at PT 100");
        assertEquals(99, vp9cam.rtxPt());

        CodecPolicy av1 = CodecPolicy.defaults().withVideoCodecs(List.of("AV1"));
        NegotiatedMedia av1cam = answer("chrome-av-simulcast-offer.sdp", av1).byMid("2");
        assertEquals(45, av1cam.codec().pt());
        assertEquals("level-idx=5;profile=0;tier=0", av1cam.codec().fmtp());
    }

    /** AddTrackRequest asked for h264 on the camera only: its m-line gets H264, the screen keeps VP8. */
    @Test
    void requestedCodecOfOneTrackWinsOverThePolicyOrder() {
        CodecPolicy p = CodecPolicy.defaults().withRequestedVideoCodecs(java.util.Map.of(CAMERA_CID, "h264"));
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", p);
        NegotiatedMedia cam = a.byMid("2");
        assertEquals("H264", cam.codec().name());
        assertEquals(103, cam.codec().pt(), "the offered PT of H264 packetization-mode=1 42001f");
        assertEquals(104, cam.rtxPt());
        assertTrue(cam.codec().fmtp().contains("profile-level-id=42001f"), cam.codec().fmtp());
        assertTrue(cam.codec().fmtp().contains("packetization-mode=1"), cam.codec().fmtp());
        MediaSection answered = Sdp.parse(a.sdp()).media("2");
        assertEquals(List.of("103", "104"), answered.formats());
        assertEquals(cam.codec().fmtp(), answered.fmtp(103));
        assertEquals("VP8", a.byMid("3").codec().name(), "the screen track asked for nothing");

        // a requested codec the offer lacks (or one not in the policy) falls back to the policy order
        CodecPolicy h265 = CodecPolicy.defaults().withRequestedVideoCodecs(java.util.Map.of(CAMERA_CID, "h265"));
        assertEquals("VP8", answer("chrome-av-simulcast-offer.sdp", h265).byMid("2").codec().name());
        assertEquals(List.of("H264", "VP8", "VP9", "AV1"), p.videoCodecsFor(CAMERA_CID));
        assertEquals(List.of("VP8", "H264", "VP9", "AV1"), p.videoCodecsFor(SCREEN_CID));
    }

    /**
     * The room's publish codecs (VP8, H264: what the plane forwards): a camera that offers VP9 and AV1 ahead
     * of VP8 (livekit-client before or without the server's fallback) gets VP8, and the answered m-line
     * carries no VP9 or AV1 payload type.
     */
    @Test
    void unforwardedCodecsAreNeverAnswered() {
        CodecPolicy p = CodecPolicy.defaults()
                .withVideoCodecs(org.jsfu.core.room.PublishCodecs.defaults().videoCodecNames())
                .withRequestedVideoCodecs(java.util.Map.of(CAMERA_CID, "VP8"));
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp", p);
        assertEquals("VP8", a.byMid("2").codec().name());
        assertEquals(List.of("96", "97"), Sdp.parse(a.sdp()).media("2").formats());
        CodecPolicy vp9Asked = CodecPolicy.defaults()
                .withVideoCodecs(org.jsfu.core.room.PublishCodecs.defaults().videoCodecNames())
                .withRequestedVideoCodecs(java.util.Map.of(CAMERA_CID, "VP9"));
        assertEquals("VP8", answer("chrome-av-simulcast-offer.sdp", vp9Asked).byMid("2").codec().name(),
                "a codec outside the room's list is not chosen even when requested");
        String vp9Only = SdpFixtures.load("chrome-av-simulcast-offer.sdp")
                .replaceAll("(?m)^a=rtpmap:96 VP8/90000\\r?\\n", "a=rtpmap:96 VP9/90000\r\n")
                .replaceAll("(?m)^a=rtpmap:(103|107|109|115|117|39) H264/90000", "a=rtpmap:$1 AV1/90000");
        PublisherAnswer rejected = SdpNegotiator.answerPublisherOffer(vp9Only, SdpFixtures.LOCAL, p);
        assertFalse(rejected.byMid("2").accepted(), "only VP9/AV1 offered: the m-line is rejected");
    }

    @Test
    void sectionWithoutAcceptableCodecIsRejectedButKeepsMid() {
        // screen share (mid 3) offers only VP8 and H264; a VP9-only policy cannot accept it
        PublisherAnswer a = answer("chrome-av-simulcast-offer.sdp",
                CodecPolicy.defaults().withVideoCodecs(List.of("VP9")));
        NegotiatedMedia screen = a.byMid("3");
        assertFalse(screen.accepted());
        assertEquals(SCREEN_CID, screen.msidTrack());
        Sdp sdp = Sdp.parse(a.sdp());
        MediaSection m = sdp.media().get(3);
        assertEquals("3", m.mid());
        assertEquals(0, m.port());
        assertEquals(List.of("0", "1", "2", "4"), sdp.bundleMids());
    }

    @Test
    void audioPayloadInVideoSectionIsRejectedNotChosen() {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\n"
                + "a=mid:0\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
        PublisherAnswer a = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertFalse(a.media().get(0).accepted());
        assertTrue(a.sdp().contains("m=video 0 UDP/TLS/RTP/SAVPF 111\r\n"));
        assertFalse(a.sdp().contains("a=group:BUNDLE"));
    }

    @Test
    void unknownMediaAndSectionsWithoutMidAreRejected() {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 AA:BB\r\n"
                + "m=text 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:t\r\na=rtpmap:98 t140/1000\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=audio 9 RTP/AVP 0\r\na=mid:plain\r\n";
        PublisherAnswer a = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertEquals(3, a.media().size());
        assertTrue(a.media().stream().noneMatch(NegotiatedMedia::accepted));
        assertEquals(3, Sdp.parse(a.sdp()).media().size());
    }

    @Test
    void malformedOffersGiveClearErrors() {
        LocalTransport l = SdpFixtures.LOCAL;
        CodecPolicy p = CodecPolicy.defaults();
        SdpParseException noMedia = assertThrows(SdpParseException.class, () ->
                SdpNegotiator.answerPublisherOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", l, p));
        assertTrue(noMedia.getMessage().contains("no m-lines"));
        assertThrows(SdpParseException.class, () -> SdpNegotiator.answerPublisherOffer("garbage", l, p));
        String pt300 = SdpFixtures.load("chrome-audio-offer.sdp").replace("111 63 9 0", "111 300 9 0");
        SdpParseException e = assertThrows(SdpParseException.class, () -> SdpNegotiator.answerPublisherOffer(pt300, l, p));
        assertTrue(e.getMessage().contains("300 out of range 0..127"));
        String dup = SdpFixtures.load("chrome-audio-offer.sdp").replace("a=mid:1", "a=mid:0");
        SdpParseException d = assertThrows(SdpParseException.class, () -> SdpNegotiator.answerPublisherOffer(dup, l, p));
        assertTrue(d.getMessage().contains("duplicate mid"));
    }

    @Test
    void dtlsRoleFollowsOfferSetup() {
        PublisherAnswer normal = answer("chrome-audio-offer.sdp", CodecPolicy.defaults());
        assertEquals(Setup.PASSIVE, normal.localSetup());
        String passiveOffer = SdpFixtures.load("chrome-audio-offer.sdp").replace("a=setup:actpass", "a=setup:passive");
        PublisherAnswer a = SdpNegotiator.answerPublisherOffer(passiveOffer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertEquals(Setup.ACTIVE, a.localSetup());
        assertTrue(Sdp.parse(a.sdp()).media().stream().allMatch(m -> m.setup() == Setup.ACTIVE));
        String activeOffer = SdpFixtures.load("chrome-audio-offer.sdp").replace("a=setup:actpass", "a=setup:active");
        assertThrows(SdpParseException.class,
                () -> SdpNegotiator.answerPublisherOffer(activeOffer, SdpFixtures.LOCAL, CodecPolicy.defaults()));
        String noFingerprint = SdpFixtures.load("chrome-audio-offer.sdp").replaceAll("a=fingerprint:[^\r]*\r\n", "");
        SdpParseException e = assertThrows(SdpParseException.class,
                () -> SdpNegotiator.answerPublisherOffer(noFingerprint, SdpFixtures.LOCAL, CodecPolicy.defaults()));
        assertTrue(e.getMessage().contains("fingerprint"));
    }

    @Test
    void bundleOnlySectionIsAcceptedAndStoppedSectionRejected() {
        String offer = SdpFixtures.load("chrome-audio-offer.sdp")
                .replace("m=application 9 UDP/DTLS/SCTP", "m=application 0 UDP/DTLS/SCTP")
                .replace("a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
        PublisherAnswer a = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertTrue(a.byMid("1").accepted());
        assertEquals(9, Sdp.parse(a.sdp()).media("1").port());
        String stopped = SdpFixtures.load("chrome-audio-offer.sdp")
                .replace("m=application 9 UDP/DTLS/SCTP", "m=application 0 UDP/DTLS/SCTP");
        PublisherAnswer s = SdpNegotiator.answerPublisherOffer(stopped, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertFalse(s.byMid("1").accepted());
        assertEquals(List.of("0"), Sdp.parse(s.sdp()).bundleMids());
    }

    @Test
    void remoteTransportFromPublisherOffer() {
        RemoteTransport r = SdpNegotiator.remoteTransport(Sdp.parse(SdpFixtures.load("chrome-audio-offer.sdp")));
        assertEquals("Qx7v", r.iceUfrag());
        assertEquals("3bq0kV1rTe7cqK2m9yPz5hWs", r.icePwd());
        assertEquals("sha-256", r.fingerprintAlgorithm());
        assertTrue(r.fingerprint().startsWith("5D:1F:8A"));
        assertEquals(Setup.ACTPASS, r.setup());
        assertTrue(r.localIsDtlsServer());
        assertFalse(r.iceLite());
    }

    @Test
    void answerIsParseableAndStable() {
        String offer = SdpFixtures.load("chrome-av-simulcast-offer.sdp");
        PublisherAnswer first = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        PublisherAnswer second = SdpNegotiator.answerPublisherOffer(offer, SdpFixtures.LOCAL, CodecPolicy.defaults());
        assertEquals(first, second, "pure function");
        assertEquals(first.sdp(), Sdp.parse(first.sdp()).toString());
    }
}
