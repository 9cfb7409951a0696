package org.jsfu.core.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdpParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"chrome-audio-offer.sdp", "chrome-av-simulcast-offer.sdp", "chrome-subscriber-answer.sdp"})
    void roundTripIsByteExact(String name) {
        String text = SdpFixtures.load(name);
        assertEquals(text, Sdp.parse(text).toString());
    }

    @Test
    void acceptsBareLineFeedsAndSerialisesCrlf() {
        String crlf = SdpFixtures.load("chrome-audio-offer.sdp");
        Sdp sdp = Sdp.parse(crlf.replace("\r\n", "\n"));
        assertEquals(crlf, sdp.toString());
    }

    @Test
    void sessionLevel() {
        Sdp sdp = Sdp.parse(SdpFixtures.load("chrome-av-simulcast-offer.sdp"));
        assertEquals("- 8230165120584718299 4 IN IP4 127.0.0.1", sdp.line('o'));
        assertEquals(List.of("0", "1", "2", "3", "4"), sdp.bundleMids());
        assertTrue(sdp.has("extmap-allow-mixed"));
        assertFalse(sdp.iceLite());
        assertEquals(5, sdp.media().size());
    }

    @Test
    void audioAccessors() {
        MediaSection a = Sdp.parse(SdpFixtures.load("chrome-av-simulcast-offer.sdp")).media("1");
        assertEquals(MediaKind.AUDIO, a.kind());
        assertEquals(9, a.port());
        assertEquals("UDP/TLS/RTP/SAVPF", a.proto());
        assertEquals(List.of(111, 63, 9, 0, 8, 13, 110, 126), a.payloadTypes());
        assertEquals("IN IP4 0.0.0.0", a.connection());
        assertEquals(Direction.SENDONLY, a.direction());
        assertEquals("Lm9P", a.iceUfrag());
        assertEquals("W4e2rTyU8iOp0aSdF6gHjK1z", a.icePwd());
        assertEquals("sha-256", a.fingerprint().algorithm());
        assertTrue(a.fingerprint().value().startsWith("A0:11:B2"));
        assertEquals(Setup.ACTPASS, a.setup());
        assertTrue(a.rtcpMux());
        assertTrue(a.rtcpRsize());
        assertEquals(new MediaSection.Rtpmap(111, "opus", 48000, 2), a.rtpmap(111));
        assertEquals(new MediaSection.Rtpmap(0, "PCMU", 8000, 1), a.rtpmap(0));
        assertEquals("minptime=10;useinbandfec=1", a.fmtp(111));
        assertEquals("111/111", a.fmtp(63));
        assertNull(a.fmtp(9));
        assertEquals(List.of("transport-cc", "nack"), a.rtcpFb(111));
        assertEquals(1, a.extmapId(RtpExtensionUris.AUDIO_LEVEL));
        assertEquals(15, a.extmapId(RtpExtensionUris.ABS_CAPTURE_TIME));
        assertEquals(new MediaSection.Msid("0f9b7d12-3c55-4b1a-b2de-9a7e6d4c1f20",
                "9d8c7b6a-1111-4222-8333-444455556666"), a.msid());
        assertEquals(List.of(1103384657L), a.ssrcIds());
        assertEquals("cname", a.ssrcs().get(0).name());
        assertEquals("Zb2yX8qW4vR6tP0n", a.ssrcs().get(0).value());
    }

    @Test
    void videoAccessors() {
        MediaSection v = Sdp.parse(SdpFixtures.load("chrome-av-simulcast-offer.sdp")).media("2");
        assertEquals(23, v.payloadTypes().size());
        assertEquals("x-google-start-bitrate=1000", v.fmtp(96));
        assertEquals("apt=96", v.fmtp(97));
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), v.rtcpFb(96));
        assertEquals(16, v.extmapId(RtpExtensionUris.DEPENDENCY_DESCRIPTOR), "two-byte extmap id");
        assertEquals(12, v.extmaps().size());
        assertEquals(List.of(new MediaSection.Rid("q", "send", ""), new MediaSection.Rid("h", "send", ""),
                new MediaSection.Rid("f", "send", "")), v.rids());
        assertEquals(new MediaSection.Simulcast("send", "q;h;f"), v.simulcast());
        assertTrue(v.ssrcs().isEmpty());

        MediaSection screen = Sdp.parse(SdpFixtures.load("chrome-av-simulcast-offer.sdp")).media("3");
        MediaSection.SsrcGroup fid = screen.ssrcGroup("FID");
        assertEquals(List.of(3735928559L, 4023233417L), fid.ssrcs());
        MediaSsrcs ssrcs = MediaSsrcs.of(screen);
        assertEquals(3735928559L, ssrcs.primary());
        assertEquals(4023233417L, ssrcs.rtx());
    }

    @Test
    void applicationAccessors() {
        MediaSection d = Sdp.parse(SdpFixtures.load("chrome-audio-offer.sdp")).media("1");
        assertEquals(MediaKind.APPLICATION, d.kind());
        assertEquals(List.of("webrtc-datachannel"), d.formats());
        assertEquals(5000, d.sctpPort());
        assertEquals(262144, d.maxMessageSize());
        assertTrue(d.payloadTypes().isEmpty());
    }

    @Test
    void candidatesSessionLevelIceAndUnknownAttributes() {
        String text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpwd\r\n"
                + "a=fingerprint:SHA-256 AA:BB\r\na=x-custom-thing:42\r\n"
                + "m=audio 50000 RTP/SAVPF 111\r\nc=IN IP4 10.0.0.1\r\nb=AS:64\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host generation 0\r\n"
                + "a=candidate:2 1 tcp 1518280447 10.0.0.1 9 typ host tcptype active\r\na=end-of-candidates\r\n"
                + "a=some-future-attribute\r\n";
        Sdp sdp = Sdp.parse(text);
        MediaSection m = sdp.media().get(0);
        assertNull(m.iceUfrag());
        assertEquals("sess", sdp.iceUfrag(m));
        assertEquals("sessionpwd", sdp.icePwd(m));
        assertEquals("sha-256", sdp.fingerprint(m).algorithm());
        assertEquals(2, m.candidates().size());
        assertTrue(m.candidates().get(1).contains("tcptype active"));
        assertTrue(m.endOfCandidates());
        assertEquals(Direction.SENDRECV, m.direction(), "default direction");
        assertNull(m.setup());
        assertNull(m.msid());
        assertEquals(-1, m.sctpPort());
        assertEquals("AS:64", m.lines().get(1).value());
        assertEquals(text, sdp.toString());
    }

    @Test
    void rejectsGarbageWithClearMessages() {
        assertMessage("empty SDP", "");
        assertMessage("empty SDP", "   \r\n");
        assertMessage("line 1 is not '<type>=<value>'", "hello world");
        assertMessage("must start with v=0", "\r\ns=-\r\nv=0\r\n");
        assertMessage("not '<type>=<value>'", "v=0\r\nthis is not sdp\r\n");
        assertMessage("must start with v=0", "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n");
        assertMessage("no o= line", "v=0\r\ns=-\r\nt=0 0\r\n");
        assertMessage("needs '<media> <port> <proto> <fmt>...'", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9\r\n");
        assertMessage("out of range 0..65535", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 70000 RTP/AVP 0\r\n");
        assertMessage("not a number", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio nine RTP/AVP 0\r\n");
    }

    @Test
    void rejectsPayloadTypesAbove127() {
        String head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        assertMessage("300 out of range 0..127", head + "m=audio 9 UDP/TLS/RTP/SAVPF 111 300\r\n");
        assertMessage("128 out of range 0..127",
                head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:128 opus/48000/2\r\n");
        assertMessage("300 out of range 0..127", head + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=fmtp:300 apt=96\r\n");
        assertMessage("out of range 0..127", head + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtcp-fb:999 nack\r\n");
        assertMessage("not a number", head + "m=video 9 UDP/TLS/RTP/SAVPF VP8\r\n");
        assertMessage("malformed a=rtpmap", head + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96\r\n");
        assertMessage("a=extmap id", head + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=extmap:0 urn:x\r\n");
    }

    @Test
    void rejectsAbsurdSizes() {
        String head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        assertMessage("SDP too large", head + "a=x:" + "y".repeat(600_000) + "\r\n");
        assertMessage("too long", head + "a=x:" + "y".repeat(10_000) + "\r\n");
        String many = head + "m=audio 9 RTP/AVP 0\r\n".repeat(513);
        assertMessage("too many media sections", many);
    }

    @Test
    void typedAccessorsRejectMalformedValues() {
        String head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
        assertThrows(SdpParseException.class, () -> Sdp.parse(head + "a=ssrc:99999999999 cname:x\r\n")
                .media().get(0).ssrcs());
        assertThrows(SdpParseException.class, () -> Sdp.parse(head + "a=rid:q sideways\r\n").media().get(0).rids());
        assertThrows(SdpParseException.class, () -> Sdp.parse(head + "a=setup:maybe\r\n").media().get(0).setup());
        assertThrows(SdpParseException.class, () -> Sdp.parse(head + "a=fingerprint:nohash\r\n")
                .media().get(0).fingerprint());
    }

    private static void assertMessage(String expected, String sdp) {
        SdpParseException e = assertThrows(SdpParseException.class, () -> Sdp.parse(sdp));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
