package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers a publisher (client) offer per RFC 3264 §6 and RFC 8829 §5.3: same m-lines in the same order
 * and with the same mids, one chosen codec (+ rtx) per RTP m-line, BUNDLE (RFC 8843 §7.3), rtcp-mux,
 * DTLS {@code setup:passive} so that the server is the DTLS server (RFC 8842 §5.2).
 */
final class PublisherAnswerBuilder {
    private static final String PROTO_SCTP = "UDP/DTLS/SCTP";
    static final int SCTP_PORT = 5000;
    static final long MAX_MESSAGE_SIZE = 262144;

    private static final Set<String> AUDIO_EXTENSIONS = Set.of(
            RtpExtensionUris.MID, RtpExtensionUris.AUDIO_LEVEL, RtpExtensionUris.ABS_CAPTURE_TIME);
    private static final Set<String> VIDEO_EXTENSIONS = Set.of(
            RtpExtensionUris.MID, RtpExtensionUris.RID, RtpExtensionUris.REPAIRED_RID,
            RtpExtensionUris.TRANSPORT_CC, RtpExtensionUris.ABS_SEND_TIME,
            RtpExtensionUris.DEPENDENCY_DESCRIPTOR, RtpExtensionUris.DEPENDENCY_DESCRIPTOR_ALT);
    private static final Set<String> AUDIO_FEEDBACK = Set.of("nack");
    private static final Set<String> VIDEO_FEEDBACK = Set.of("transport-cc", "ccm fir", "nack", "nack pli");

    private PublisherAnswerBuilder() {
    }

    static PublisherAnswer answer(String offerSdp, LocalTransport local, CodecPolicy policy) {
        Sdp offer = Sdp.parse(offerSdp);
        if (offer.media().isEmpty()) {
            throw new SdpParseException("offer has no m-lines");
        }
        checkUniqueMids(offer);
        Setup localSetup = Setup.PASSIVE;
        if (offer.media().stream().anyMatch(m -> !m.isRejected())) {
            RemoteTransport remote = SdpNegotiator.remoteTransport(offer);
            if (remote.setup() == Setup.PASSIVE) {
                localSetup = Setup.ACTIVE;
            } else if (remote.setup() != Setup.ACTPASS) {
                throw new SdpParseException("offer a=setup must be actpass or passive, got " + remote.setup()
                        + " (RFC 8842 §5.2)");
            }
        }
        Sdp answer = SdpWriter.session(SdpWriter.sessionIdFor(local), 2, local);
        boolean mixed = offer.has("extmap-allow-mixed");
        List<NegotiatedMedia> results = new ArrayList<>();
        List<String> bundle = new ArrayList<>();
        for (MediaSection om : offer.media()) {
            mixed |= om.has("extmap-allow-mixed");
            Answered a = answerSection(om, local, policy, localSetup);
            NegotiatedMedia nm = a == null ? null : a.result;
            if (nm == null || !nm.accepted()) {
                MediaSection rejected = rejected(om);
                answer.media().add(rejected);
                results.add(nm != null ? nm : rejectedResult(om));
            } else {
                answer.media().add(a.section);
                results.add(nm);
                if (nm.mid() != null) {
                    bundle.add(nm.mid());
                }
            }
        }
        if (!bundle.isEmpty()) {
            answer.attributes().add(SdpAttribute.of("group", "BUNDLE " + String.join(" ", bundle)));
        }
        if (mixed) {
            answer.flag("extmap-allow-mixed");
        }
        answer.add("msid-semantic", " WMS");
        return new PublisherAnswer(answer.toString(), results, localSetup);
    }

    private static void checkUniqueMids(Sdp offer) {
        List<String> seen = new ArrayList<>();
        for (MediaSection m : offer.media()) {
            String mid = m.mid();
            if (mid != null && !m.isRejected()) {
                if (seen.contains(mid)) {
                    throw new SdpParseException("duplicate mid '" + mid + "' in offer (RFC 8843 §7.2)");
                }
                seen.add(mid);
            }
        }
    }

    private record Answered(NegotiatedMedia result, MediaSection section) {
    }

    /** Answers one m-line; returns null or a non-accepted result to reject it. */
    private static Answered answerSection(MediaSection om, LocalTransport local, CodecPolicy policy,
                                          Setup localSetup) {
        MediaKind kind = om.kind();
        if (kind == null || om.isRejected() || om.mid() == null) {
            return null;
        }
        if (kind == MediaKind.APPLICATION) {
            if (!om.proto().endsWith(PROTO_SCTP) || !om.formats().contains("webrtc-datachannel")) {
                return null;
            }
            MediaSection am = new MediaSection(om.media(), 9, om.proto(), List.of("webrtc-datachannel"));
            am.addLine('c', "IN IP4 0.0.0.0");
            SdpWriter.transport(am, local, localSetup, om.mid());
            am.add("sctp-port", SCTP_PORT);
            am.add("max-message-size", MAX_MESSAGE_SIZE);
            SdpWriter.candidates(am, local);
            return new Answered(new NegotiatedMedia(om.mid(), kind, true, om.direction(), Direction.SENDRECV, null,
                    null, null, -1, -1, HeaderExtensionIds.NONE, MediaSsrcs.NONE, List.of()), am);
        }
        if (!om.isRtp() || !om.proto().contains("SAVPF")) {
            return null;
        }
        MediaSection.Msid msid = om.msid();
        String cid = msid == null ? null : msid.track();
        CodecChoice choice = kind == MediaKind.AUDIO ? chooseAudio(om, policy, cid) : chooseVideo(om, policy, cid);
        if (choice == null) {
            return new Answered(new NegotiatedMedia(om.mid(), kind, false, om.direction(), Direction.INACTIVE,
                    msid == null ? null : msid.stream(), cid, null, -1, -1, HeaderExtensionIds.NONE,
                    MediaSsrcs.of(om), List.of()), null);
        }
        Direction answerDir = om.direction().sends() ? Direction.RECVONLY : Direction.INACTIVE;
        List<String> formats = new ArrayList<>();
        if (choice.redPt >= 0) {
            formats.add(Integer.toString(choice.redPt));
        }
        formats.add(Integer.toString(choice.codec.pt()));
        if (choice.rtxPt >= 0) {
            formats.add(Integer.toString(choice.rtxPt));
        }
        MediaSection am = new MediaSection(om.media(), 9, om.proto(), formats);
        am.addLine('c', "IN IP4 0.0.0.0");
        am.add("rtcp", "9 IN IP4 0.0.0.0");
        SdpWriter.transport(am, local, localSetup, om.mid());
        Set<String> allowedExt = kind == MediaKind.AUDIO ? AUDIO_EXTENSIONS : VIDEO_EXTENSIONS;
        for (MediaSection.Extmap e : om.extmaps()) {
            if (allowedExt.contains(e.uri())) {
                am.add("extmap", e.id() + mirror(e.direction()) + " " + e.uri());
            }
        }
        am.flag(answerDir.attributeName());
        am.flag("rtcp-mux");
        am.flag("rtcp-rsize");
        Set<String> allowedFb = kind == MediaKind.AUDIO ? AUDIO_FEEDBACK : VIDEO_FEEDBACK;
        if (choice.redPt >= 0) {
            SdpWriter.rtpmap(am, new Codec(choice.redPt, "red", 48000, 2, om.fmtp(choice.redPt)), List.of());
        }
        List<String> fb = new ArrayList<>();
        for (String f : om.rtcpFb(choice.codec.pt())) {
            if ((allowedFb.contains(f) || (policy.remb() && f.equals("goog-remb"))) && !fb.contains(f)) {
                fb.add(f);
            }
        }
        SdpWriter.rtpmap(am, choice.codec, fb);
        if (choice.rtxPt >= 0) {
            SdpWriter.rtpmap(am, new Codec(choice.rtxPt, "rtx", 90000, 1, "apt=" + choice.codec.pt()), List.of());
        }
        List<String> rids = new ArrayList<>();
        if (om.direction().sends()) {
            for (MediaSection.Rid rid : om.rids()) {
                if (rid.direction().equals("send")) {
                    rids.add(rid.id());
                    am.add("rid", rid.id() + " recv");
                }
            }
            MediaSection.Simulcast sc = om.simulcast();
            if (sc != null && sc.direction().equals("send") && !rids.isEmpty()) {
                am.add("simulcast", "recv " + sc.streams());
            }
        }
        SdpWriter.candidates(am, local);
        return new Answered(new NegotiatedMedia(om.mid(), kind, true, om.direction(), answerDir,
                msid == null ? null : msid.stream(), cid, choice.codec, choice.rtxPt, choice.redPt,
                HeaderExtensionIds.of(am), MediaSsrcs.of(om), rids), am);
    }

    private record CodecChoice(Codec codec, int rtxPt, int redPt) {
    }

    private static CodecChoice chooseAudio(MediaSection om, CodecPolicy policy, String cid) {
        Codec opus = null;
        for (int pt : om.payloadTypes()) {
            MediaSection.Rtpmap r = om.rtpmap(pt);
            if (r != null && r.name().equalsIgnoreCase("opus") && r.clockRate() == 48000) {
                String fmtp = withOpusParams(om.fmtp(pt), policy, cid);
                opus = new Codec(pt, r.name(), r.clockRate(), r.channels(), fmtp);
                break;
            }
        }
        if (opus == null) {
            return null;
        }
        int redPt = -1;
        if (policy.allowRed()) {
            for (int pt : om.payloadTypes()) {
                MediaSection.Rtpmap r = om.rtpmap(pt);
                String fmtp = om.fmtp(pt);
                if (r != null && r.name().equalsIgnoreCase("red") && fmtp != null
                        && fmtp.startsWith(opus.pt() + "/")) {
                    redPt = pt;
                    break;
                }
            }
        }
        return new CodecChoice(opus, -1, redPt);
    }

    /**
     * LiveKit answer munging: {@code usedtx=1} unless TF_NO_DTX; {@code stereo=1} only for TF_STEREO tracks
     * (RFC 7587 §6.1: stereo in the answer asks the offerer to send stereo, so a mono mic must not get it
     * just because the browser offered it; sprop-stereo describes the answerer's own sending, and this
     * answer is recvonly, so it is always dropped).
     */
    static String withOpusParams(String offered, CodecPolicy policy, String cid) {
        boolean stereo = cid != null && policy.stereoCids().contains(cid);
        StringBuilder f = new StringBuilder();
        if (offered != null) {
            for (String p : offered.split(";")) {
                String t = p.trim();
                if (t.isEmpty() || t.startsWith("sprop-stereo=") || (!stereo && t.startsWith("stereo="))) {
                    continue;
                }
                appendParam(f, t);
            }
        }
        boolean dtx = policy.dtx() && (cid == null || !policy.noDtxCids().contains(cid));
        if (dtx && !hasParam(f, "usedtx")) {
            appendParam(f, "usedtx=1");
        }
        if (stereo) {
            if (!hasParam(f, "stereo")) {
                appendParam(f, "stereo=1");
            }
            if (!hasParam(f, "maxaveragebitrate")) {
                appendParam(f, "maxaveragebitrate=510000");
            }
        }
        return f.toString();
    }

    private static boolean hasParam(CharSequence fmtp, String name) {
        for (String p : fmtp.toString().split(";")) {
            if (p.trim().startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    private static void appendParam(StringBuilder f, String param) {
        if (f.length() > 0) {
            f.append(';');
        }
        f.append(param);
    }

    private static CodecChoice chooseVideo(MediaSection om, CodecPolicy policy, String cid) {
        List<Integer> pts = om.payloadTypes();
        for (String wanted : policy.videoCodecsFor(cid)) {
            for (int pt : pts) {
                MediaSection.Rtpmap r = om.rtpmap(pt);
                if (r == null || !r.name().equalsIgnoreCase(wanted) || r.clockRate() != 90000) {
                    continue;
                }
                String fmtp = om.fmtp(pt);
                if (!videoFmtpAcceptable(r.name(), fmtp)) {
                    continue;
                }
                Codec c = new Codec(pt, r.name(), r.clockRate(), 1, stripGoogleParams(fmtp));
                return new CodecChoice(c, rtxFor(om, pt), -1);
            }
        }
        return null;
    }

    static boolean videoFmtpAcceptable(String name, String fmtp) {
        String f = fmtp == null ? "" : fmtp.toLowerCase(Locale.ROOT);
        switch (name.toUpperCase(Locale.ROOT)) {
            case "H264":
                return f.contains("packetization-mode=1")
                        && (f.contains("profile-level-id=42e01f") || f.contains("profile-level-id=42001f"));
            case "VP9":
                return !f.contains("profile-id=") || f.contains("profile-id=0");
            default:
                return true;
        }
    }

    private static String stripGoogleParams(String fmtp) {
        if (fmtp == null) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String p : fmtp.split(";")) {
            if (!p.trim().isEmpty() && !p.trim().startsWith("x-google-")) {
                kept.add(p.trim());
            }
        }
        return String.join(";", kept);
    }

    private static int rtxFor(MediaSection om, int pt) {
        for (int candidate : om.payloadTypes()) {
            MediaSection.Rtpmap r = om.rtpmap(candidate);
            if (r != null && r.name().equalsIgnoreCase("rtx") && ("apt=" + pt).equals(om.fmtp(candidate))) {
                return candidate;
            }
        }
        return -1;
    }

    private static String mirror(Direction d) {
        if (d == null) {
            return "";
        }
        switch (d) {
            case SENDONLY: return "/recvonly";
            case RECVONLY: return "/sendonly";
            default: return "/" + d.attributeName();
        }
    }

    /** A rejected m-line: port 0, first offered format, mid kept (RFC 3264 §6, RFC 8843 §7.3.3). */
    private static MediaSection rejected(MediaSection om) {
        List<String> fmt = om.formats().isEmpty() ? List.of("0") : List.of(om.formats().get(0));
        MediaSection m = new MediaSection(om.media(), 0, om.proto(), fmt);
        m.addLine('c', "IN IP4 0.0.0.0");
        if (om.mid() != null) {
            m.add("mid", om.mid());
        }
        m.flag("inactive");
        return m;
    }

    private static NegotiatedMedia rejectedResult(MediaSection om) {
        MediaSection.Msid msid = null;
        MediaSsrcs ssrcs = MediaSsrcs.NONE;
        try {
            msid = om.msid();
            ssrcs = MediaSsrcs.of(om);
        } catch (SdpParseException ignored) {
            // a rejected section's malformed ssrc/msid lines do not matter
        }
        return new NegotiatedMedia(om.mid(), om.kind(), false, om.direction(), Direction.INACTIVE,
                msid == null ? null : msid.stream(), msid == null ? null : msid.track(), null, -1, -1,
                HeaderExtensionIds.NONE, ssrcs, List.of());
    }
}
