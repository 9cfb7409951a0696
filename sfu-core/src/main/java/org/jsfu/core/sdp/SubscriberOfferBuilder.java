package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the server's offer on a subscriber peer connection (RFC 8829 §5.2 shape, RFC 3264 §5):
 * data channels first, then one sendonly (or inactive) m-line per forwarded track, BUNDLE over all
 * mids, {@code setup:actpass} (RFC 8842 §5.2), LiveKit msid {@code PA_x|TR_x TR_x} (RFC 8830 §2).
 */
final class SubscriberOfferBuilder {
    private SubscriberOfferBuilder() {
    }

    static SubscriberOffer build(LocalTransport local, long sessionId, long sessionVersion,
                                 List<OutgoingMedia> requested) {
        List<OutgoingMedia> media = new ArrayList<>(requested);
        if (media.isEmpty() || media.get(0).kind() != MediaKind.APPLICATION) {
            media.add(0, OutgoingMedia.dataChannels("0"));
        }
        Set<String> mids = new HashSet<>();
        for (int i = 0; i < media.size(); i++) {
            OutgoingMedia m = media.get(i);
            if (!mids.add(m.mid())) {
                throw new IllegalArgumentException("duplicate mid '" + m.mid() + "' in subscriber offer");
            }
            if (m.kind() == MediaKind.APPLICATION && i > 0) {
                throw new IllegalArgumentException("the application m-line must come first, found at " + i);
            }
        }
        Sdp sdp = SdpWriter.session(sessionId, sessionVersion, local);
        List<String> bundle = new ArrayList<>();
        Map<String, String> midToTrack = new LinkedHashMap<>();
        for (OutgoingMedia m : media) {
            bundle.add(m.mid());
            if (m.kind() == MediaKind.APPLICATION) {
                sdp.media().add(application(m, local));
            } else {
                sdp.media().add(rtp(m, local));
                if (m.active()) {
                    midToTrack.put(m.mid(), m.trackSid());
                }
            }
        }
        sdp.add("group", "BUNDLE " + String.join(" ", bundle));
        sdp.flag("extmap-allow-mixed");
        sdp.add("msid-semantic", " WMS *");
        return new SubscriberOffer(sdp.toString(), midToTrack);
    }

    private static MediaSection application(OutgoingMedia m, LocalTransport local) {
        MediaSection s = new MediaSection("application", 9, "UDP/DTLS/SCTP", List.of("webrtc-datachannel"));
        s.addLine('c', "IN IP4 0.0.0.0");
        SdpWriter.transport(s, local, Setup.ACTPASS, m.mid());
        s.add("sctp-port", PublisherAnswerBuilder.SCTP_PORT);
        s.add("max-message-size", PublisherAnswerBuilder.MAX_MESSAGE_SIZE);
        SdpWriter.candidates(s, local);
        return s;
    }

    private static MediaSection rtp(OutgoingMedia m, LocalTransport local) {
        boolean video = m.kind() == MediaKind.VIDEO;
        boolean rtx = video && m.rtxPt() >= 0;
        List<String> formats = new ArrayList<>();
        formats.add(Integer.toString(m.codec().pt()));
        if (rtx) {
            formats.add(Integer.toString(m.rtxPt()));
        }
        MediaSection s = new MediaSection(m.kind().sdpName(), 9, "UDP/TLS/RTP/SAVPF", formats);
        s.addLine('c', "IN IP4 0.0.0.0");
        s.add("rtcp", "9 IN IP4 0.0.0.0");
        SdpWriter.transport(s, local, Setup.ACTPASS, m.mid());
        HeaderExtensionIds ids = video ? SdpNegotiator.SUBSCRIBER_VIDEO_EXTENSIONS
                : SdpNegotiator.SUBSCRIBER_AUDIO_EXTENSIONS;
        extmap(s, ids.audioLevel(), RtpExtensionUris.AUDIO_LEVEL);
        extmap(s, ids.mid(), RtpExtensionUris.MID);
        extmap(s, ids.absSendTime(), RtpExtensionUris.ABS_SEND_TIME);
        extmap(s, ids.transportCc(), RtpExtensionUris.TRANSPORT_CC);
        extmap(s, ids.absCaptureTime(), RtpExtensionUris.ABS_CAPTURE_TIME);
        s.flag(m.active() ? "sendonly" : "inactive");
        String msid = m.msidStream() + " " + m.trackSid();
        if (m.active()) {
            s.add("msid", msid);
        }
        s.flag("rtcp-mux");
        s.flag("rtcp-rsize");
        List<String> fb;
        if (video) {
            fb = List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        } else {
            // transport-cc on audio too: the browser then counts audio in its transport-wide feedback
            fb = m.codec().is("red") ? List.of("transport-cc") : List.of("transport-cc", "nack");
        }
        SdpWriter.rtpmap(s, m.codec(), fb);
        if (rtx) {
            SdpWriter.rtpmap(s, new Codec(m.rtxPt(), "rtx", m.codec().clockRate(), 1, "apt=" + m.codec().pt()),
                    List.of());
        }
        if (m.active()) {
            if (rtx) {
                s.add("ssrc-group", "FID " + m.ssrc() + " " + m.rtxSsrc());
            }
            ssrc(s, m.ssrc(), m.cname(), msid);
            if (rtx) {
                ssrc(s, m.rtxSsrc(), m.cname(), msid);
            }
        }
        SdpWriter.candidates(s, local);
        return s;
    }

    private static void extmap(MediaSection s, int id, String uri) {
        if (id > 0) {
            s.add("extmap", id + " " + uri);
        }
    }

    /** a=ssrc cname and msid source attributes (RFC 5576 §4.1, §6.1). */
    private static void ssrc(MediaSection s, long ssrc, String cname, String msid) {
        s.add("ssrc", ssrc + " cname:" + cname);
        s.add("ssrc", ssrc + " msid:" + msid);
    }
}
