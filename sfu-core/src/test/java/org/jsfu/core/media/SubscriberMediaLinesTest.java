package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.sdp.LocalTransport;
import org.jsfu.core.sdp.MediaKind;
import org.jsfu.core.sdp.SdpNegotiator;
import org.jsfu.core.sdp.SubscriberAnswerInfo;
import org.jsfu.core.sdp.SubscriberOffer;
import org.junit.jupiter.api.Test;

/**
 * Subscriber m-line reuse with real offers (SubscriberOfferBuilder) and browser-shaped answers: an inactive
 * m-line comes back sendonly for a later track of its kind and codec only after the client answered it
 * inactive; otherwise a new mid is added.
 */
class SubscriberMediaLinesTest {
    private static final LocalTransport LOCAL = new LocalTransport("srvU1234", "serverPassword0123456789ab",
            "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9",
            List.of("1 1 udp 2130706431 127.0.0.1 7882 typ host generation 0"), true);
    private static final Codec OPUS = Codec.opus(111, false);
    private static final Codec VP8 = Codec.vp8(96);

    private final SubscriberMediaLines lines = new SubscriberMediaLines();
    private long version;

    private String audio(String track, long ssrc) {
        return lines.add(MediaKind.AUDIO, OPUS, -1, ssrc, -1, "PA_sub", "PA_pub", track);
    }

    private String video(String track, Codec codec, long ssrc) {
        return lines.add(MediaKind.VIDEO, codec, -1, ssrc, -1, "PA_sub", "PA_pub", track);
    }

    private SubscriberOffer offer() {
        SubscriberOffer o = SdpNegotiator.buildSubscriberOffer(LOCAL, ++version, lines.media());
        lines.offerSent();
        return o;
    }

    /**
     * The client answers {@code o} as Chrome does (the same m-lines, recvonly for sendonly, inactive for
     * inactive, setup active) and the answer is handed to the m-lines.
     */
    private void answer(SubscriberOffer o) {
        lines.answered(browserAnswer(o));
    }

    private static SubscriberAnswerInfo browserAnswer(SubscriberOffer o) {
        StringBuilder b = new StringBuilder();
        for (String line : o.sdp().split("\r\n")) {
            if (line.startsWith("a=ssrc") || line.startsWith("a=msid:") || line.startsWith("a=candidate")
                    || line.startsWith("a=ice-lite")) {
                continue;
            }
            line = line.replace("a=sendonly", "a=recvonly").replace("a=setup:actpass", "a=setup:active")
                    .replace("a=ice-ufrag:srvU1234", "a=ice-ufrag:Rr4e")
                    .replace("a=ice-pwd:serverPassword0123456789ab", "a=ice-pwd:pQ9wE3rT5yU7iO1pA3sD5fG7");
            b.append(line).append("\r\n");
        }
        return SdpNegotiator.parseSubscriberAnswer(b.toString(), o);
    }

    /** The section of {@code mid} in an offer. */
    private static String section(SubscriberOffer o, String mid) {
        for (String s : o.sdp().split("\r\n(?=m=)")) {
            if (s.contains("\r\na=mid:" + mid + "\r\n")) {
                return s + "\r\n";
            }
        }
        throw new AssertionError("no mid " + mid + " in\n" + o.sdp());
    }

    private static int mlines(SubscriberOffer o) {
        return o.sdp().split("\r\nm=").length - 1;
    }

    @Test
    void answeredInactiveMlineIsTakenBackBySameKindAndCodec() {
        String a1 = audio("TR_a1", 1111);
        String v1 = video("TR_v1", VP8, 2222);
        answer(offer());
        lines.deactivate(a1);
        SubscriberOffer removed = offer();
        assertTrue(section(removed, a1).contains("a=inactive\r\n"), section(removed, a1));
        answer(removed);

        String a2 = audio("TR_a2", 3333);
        SubscriberOffer next = offer();
        assertEquals(a1, a2, "the answered inactive audio m-line is reused");
        assertEquals(mlines(removed), mlines(next), "no new m-line");
        assertEquals(3, mlines(next));
        String s = section(next, a1);
        assertTrue(s.contains("a=sendonly\r\n"), s);
        assertTrue(s.contains("a=msid:PA_pub|TR_a2 TR_a2\r\n"), s);
        assertTrue(s.contains("a=ssrc:3333 msid:PA_pub|TR_a2 TR_a2\r\n"), s);
        assertTrue(!s.contains("TR_a1") && !s.contains("1111"), s);
        assertEquals(Map.of(a1, "TR_a2", v1, "TR_v1"), next.midToTrackId());
        // its position in the offer is kept: data channels, then the audio, then the video
        assertTrue(next.sdp().indexOf("a=mid:" + a1 + "\r\n") < next.sdp().indexOf("a=mid:" + v1 + "\r\n"));
    }

    @Test
    void beforeTheAnswerANewMidIsUsed() {
        String a1 = audio("TR_a1", 1111);
        answer(offer());
        lines.deactivate(a1);
        SubscriberOffer removed = offer();
        String a2 = audio("TR_a2", 3333); // the offer with a1 inactive is not answered yet
        assertNotEquals(a1, a2);
        answer(removed); // answered now: a1 is reusable for the next track, a2 keeps its own m-line
        SubscriberOffer next = offer();
        assertEquals(mlines(removed) + 1, mlines(next));
        assertTrue(section(next, a1).contains("a=inactive\r\n"));
        assertTrue(section(next, a2).contains("a=msid:PA_pub|TR_a2 TR_a2\r\n"));
        answer(next);
        assertEquals(a1, audio("TR_a3", 4444));
    }

    @Test
    void removedButNeverOfferedInactiveIsNotReused() {
        String a1 = audio("TR_a1", 1111);
        answer(offer());
        lines.deactivate(a1); // removed within the debounce: no offer has it inactive yet
        String a2 = audio("TR_a2", 3333);
        assertNotEquals(a1, a2);
        SubscriberOffer o = offer();
        assertEquals(3, mlines(o));
        assertTrue(section(o, a1).contains("a=inactive\r\n"));
    }

    @Test
    void anotherKindOrCodecGetsANewMid() {
        String a1 = audio("TR_a1", 1111);
        String v1 = video("TR_v1", VP8, 2222);
        answer(offer());
        lines.deactivate(a1);
        lines.deactivate(v1);
        answer(offer());
        List<String> mids = new ArrayList<>();
        mids.add(video("TR_h264", Codec.h264(102), 5555)); // video, but another codec than v1's
        mids.add(video("TR_vp8pt", Codec.vp8(98), 6666)); // VP8 under another payload type
        mids.add(lines.add(MediaKind.VIDEO, VP8, 97, 7777, 7778, "PA_sub", "PA_pub", "TR_rtx")); // with rtx
        for (String m : mids) {
            assertTrue(!m.equals(a1) && !m.equals(v1), "new mid, got " + m);
        }
        assertEquals(v1, video("TR_v2", VP8, 8888), "same kind and codec: v1 again");
        assertEquals(a1, audio("TR_a2", 9999), "audio: a1 again");
        assertEquals(6, mlines(offer()));
    }

    @Test
    void aReusedMlineIsReusableAgainOnlyAfterItsNextInactiveAnswer() {
        String a1 = audio("TR_a1", 1111);
        answer(offer());
        lines.deactivate(a1);
        answer(offer());
        assertEquals(a1, audio("TR_a2", 2222));
        SubscriberOffer o = offer();
        lines.deactivate(a1);
        answer(o); // answered while it was sendonly in that offer
        assertNotEquals(a1, audio("TR_a3", 3333));
        lines.deactivate(lines.media().get(2).mid());
        answer(offer()); // now both a1 and the new one were answered inactive
        assertEquals(a1, audio("TR_a4", 4444));
    }
}
