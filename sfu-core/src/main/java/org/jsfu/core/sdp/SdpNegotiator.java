package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.List;

/** Offer/answer entry points for the publisher and subscriber peer connections (RFC 3264). Pure, no I/O. */
public final class SdpNegotiator {
    /**
     * Extension ids the subscriber offer declares for audio: audio level, mid, transport-cc and
     * abs-capture-time. Ids are shared with video where both declare one (one map per BUNDLE group,
     * RFC 8843 section 9.2): transport-cc is 3 on every m-line, so one transport-wide counter covers the PC.
     */
    public static final HeaderExtensionIds SUBSCRIBER_AUDIO_EXTENSIONS =
            new HeaderExtensionIds(1, 4, -1, -1, 3, -1, 5, -1);
    /** Extension ids the subscriber offer declares for video: mid, abs-send-time, transport-cc. */
    public static final HeaderExtensionIds SUBSCRIBER_VIDEO_EXTENSIONS =
            new HeaderExtensionIds(-1, 4, -1, -1, 3, 2, -1, -1);

    private SdpNegotiator() {
    }

    /**
     * Answers a publisher offer; every m-line is answered in order with its mid, rejected (port 0) when
     * no acceptable codec exists. Throws {@link SdpParseException} for malformed offers.
     */
    public static PublisherAnswer answerPublisherOffer(String offerSdp, LocalTransport local, CodecPolicy policy) {
        return PublisherAnswerBuilder.answer(offerSdp, local, policy);
    }

    /** Builds a subscriber offer with a session id derived from the local ICE ufrag (stable per PC). */
    public static SubscriberOffer buildSubscriberOffer(LocalTransport local, long sessionVersion,
                                                       List<OutgoingMedia> media) {
        return SubscriberOfferBuilder.build(local, SdpWriter.sessionIdFor(local), sessionVersion, media);
    }

    public static SubscriberOffer buildSubscriberOffer(LocalTransport local, long sessionId, long sessionVersion,
                                                       List<OutgoingMedia> media) {
        return SubscriberOfferBuilder.build(local, sessionId, sessionVersion, media);
    }

    /**
     * Reads the subscriber's answer to {@code offer}: the answer must have the offer's m-lines in order
     * (RFC 3264 §6) and a setup of active or passive (RFC 8842 §5.3).
     */
    public static SubscriberAnswerInfo parseSubscriberAnswer(String answerSdp, SubscriberOffer offer) {
        Sdp answer = Sdp.parse(answerSdp);
        Sdp sent = Sdp.parse(offer.sdp());
        if (answer.media().size() != sent.media().size()) {
            throw new SdpParseException("answer has " + answer.media().size() + " m-lines, offer had "
                    + sent.media().size() + " (RFC 3264 §6)");
        }
        RemoteTransport remote = remoteTransport(answer);
        if (remote.setup() != Setup.ACTIVE && remote.setup() != Setup.PASSIVE) {
            throw new SdpParseException("answer a=setup must be active or passive, got " + remote.setup());
        }
        List<AnsweredMedia> out = new ArrayList<>();
        for (int i = 0; i < answer.media().size(); i++) {
            MediaSection a = answer.media().get(i);
            MediaSection o = sent.media().get(i);
            String mid = a.mid() != null ? a.mid() : o.mid();
            if (!mid.equals(o.mid()) || !a.media().equals(o.media())) {
                throw new SdpParseException("answer m-line " + i + " (" + a.media() + " mid " + mid
                        + ") does not match offer (" + o.media() + " mid " + o.mid() + ")");
            }
            List<Codec> codecs = new ArrayList<>();
            for (int pt : a.payloadTypes()) {
                MediaSection.Rtpmap r = a.rtpmap(pt);
                if (r != null) {
                    codecs.add(new Codec(pt, r.name(), r.clockRate(), r.channels(), a.fmtp(pt)));
                }
            }
            out.add(new AnsweredMedia(mid, o.kind(), !a.isRejected(), a.direction(), codecs,
                    HeaderExtensionIds.of(a)));
        }
        return new SubscriberAnswerInfo(remote, out);
    }

    /**
     * Remote ICE credentials, fingerprint and setup from the first non-rejected m-line with session-level
     * fallback (RFC 8839 §5.4, RFC 8122 §5, RFC 4145 §4).
     */
    public static RemoteTransport remoteTransport(Sdp sdp) {
        MediaSection first = null;
        for (MediaSection m : sdp.media()) {
            if (!m.isRejected()) {
                first = m;
                break;
            }
        }
        if (first == null) {
            throw new SdpParseException("SDP has no accepted m-line");
        }
        String ufrag = sdp.iceUfrag(first);
        String pwd = sdp.icePwd(first);
        MediaSection.Fingerprint fp = sdp.fingerprint(first);
        if (ufrag == null || pwd == null) {
            throw new SdpParseException("SDP lacks a=ice-ufrag/a=ice-pwd (RFC 8839 §5.4)");
        }
        if (fp == null) {
            throw new SdpParseException("SDP lacks a=fingerprint (RFC 8122 §5)");
        }
        Setup setup = sdp.setup(first);
        return new RemoteTransport(ufrag, pwd, fp.algorithm(), fp.value(), setup == null ? Setup.ACTPASS : setup,
                sdp.iceLite(), first.candidates());
    }
}
