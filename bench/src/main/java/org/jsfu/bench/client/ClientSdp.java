package org.jsfu.bench.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.ice.IceCandidates;
import org.jsfu.core.sdp.MediaSection;
import org.jsfu.core.sdp.Sdp;

/**
 * SDP the way Chrome writes it for livekit-client (Unified Plan, BUNDLE, rtcp-mux, no candidates in
 * the SDP because Chrome trickles them): the publisher offer and the answer to a subscriber offer.
 */
public final class ClientSdp {
    /** Chrome's audio extension ids (RFC 8285 one-byte header form). */
    public static final int EXT_AUDIO_LEVEL = 1;
    public static final int EXT_ABS_SEND_TIME = 2;
    public static final int EXT_TRANSPORT_CC = 3;
    public static final int EXT_MID = 4;
    public static final int OPUS_PT = 111;

    private ClientSdp() {}

    /** One audio sender of the publisher PC; {@code active=false} once removed (Chrome: inactive). */
    public record AudioSender(String mid, String streamId, String cid, long ssrc, boolean active) {}

    /** The publisher offer: m=application first (data channels), then one audio m-line per sender. */
    public static String publisherOffer(long sessionId, int version, String ufrag, String pwd, String fingerprint,
                                        String cname, List<AudioSender> senders) {
        StringBuilder s = new StringBuilder();
        List<String> mids = new ArrayList<>();
        mids.add("0");
        senders.forEach(a -> mids.add(a.mid()));
        session(s, sessionId, version, mids);
        s.append("a=msid-semantic: WMS");
        senders.stream().filter(AudioSender::active).map(AudioSender::streamId).distinct()
                .forEach(id -> s.append(' ').append(id));
        s.append("\r\n");
        application(s, ufrag, pwd, fingerprint, "actpass", "0");
        for (AudioSender a : senders) {
            s.append("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n");
            transport(s, ufrag, pwd, fingerprint, "actpass", a.mid());
            s.append("a=extmap:" + EXT_AUDIO_LEVEL + " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n");
            s.append("a=extmap:" + EXT_ABS_SEND_TIME + " http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n");
            s.append("a=extmap:" + EXT_TRANSPORT_CC
                    + " http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n");
            s.append("a=extmap:" + EXT_MID + " urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
            if (a.active()) {
                s.append("a=sendonly\r\n");
                s.append("a=msid:").append(a.streamId()).append(' ').append(a.cid()).append("\r\n");
            } else {
                s.append("a=inactive\r\n"); // removeTrack on a sendonly transceiver
            }
            s.append("a=rtcp-mux\r\na=rtcp-rsize\r\n");
            s.append("a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n");
            s.append("a=fmtp:111 minptime=10;useinbandfec=1\r\n");
            s.append("a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n");
            s.append("a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n");
            s.append("a=rtpmap:13 CN/8000\r\na=rtpmap:110 telephone-event/48000\r\n");
            s.append("a=rtpmap:126 telephone-event/8000\r\n");
            if (a.active()) {
                s.append("a=ssrc:").append(a.ssrc()).append(" cname:").append(cname).append("\r\n");
                s.append("a=ssrc:").append(a.ssrc()).append(" msid:").append(a.streamId()).append(' ')
                        .append(a.cid()).append("\r\n");
            }
        }
        return s.toString();
    }

    /**
     * Chrome's answer to a server offer: every m-line answered in order with the same mid, setup:active,
     * sendonly sections received (recvonly), inactive ones kept inactive, rejected ones rejected.
     */
    public static String subscriberAnswer(Sdp offer, long sessionId, int version, String ufrag, String pwd,
                                          String fingerprint) {
        StringBuilder s = new StringBuilder();
        List<String> mids = new ArrayList<>();
        for (MediaSection m : offer.media()) {
            if (!m.isRejected()) {
                mids.add(m.mid());
            }
        }
        session(s, sessionId, version, mids);
        s.append("a=msid-semantic: WMS\r\n");
        for (MediaSection m : offer.media()) {
            if ("application".equals(m.media())) {
                if (m.isRejected()) {
                    s.append("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:").append(m.mid()).append("\r\n");
                } else {
                    application(s, ufrag, pwd, fingerprint, "active", m.mid());
                }
                continue;
            }
            int pt = m.payloadTypes().isEmpty() ? 0 : m.payloadTypes().get(0);
            if (m.isRejected()) {
                s.append("m=").append(m.media()).append(" 0 UDP/TLS/RTP/SAVPF ").append(pt).append("\r\n");
                s.append("c=IN IP4 0.0.0.0\r\na=mid:").append(m.mid()).append("\r\n");
                continue;
            }
            s.append("m=").append(m.media()).append(" 9 UDP/TLS/RTP/SAVPF ").append(pt).append("\r\n");
            transport(s, ufrag, pwd, fingerprint, "active", m.mid());
            for (MediaSection.Extmap e : m.extmaps()) {
                s.append("a=extmap:").append(e.id()).append(' ').append(e.uri()).append("\r\n");
            }
            String dir = switch (m.direction()) {
                case SENDONLY, SENDRECV -> "recvonly";
                default -> "inactive";
            };
            s.append("a=").append(dir).append("\r\n");
            s.append("a=rtcp-mux\r\na=rtcp-rsize\r\n");
            MediaSection.Rtpmap rm = m.rtpmap(pt);
            if (rm != null) {
                s.append("a=rtpmap:").append(pt).append(' ').append(rm.name()).append('/').append(rm.clockRate());
                if (rm.channels() > 1) {
                    s.append('/').append(rm.channels());
                }
                s.append("\r\n");
            }
            String fmtp = m.fmtp(pt);
            if (fmtp != null) {
                s.append("a=fmtp:").append(pt).append(' ').append(fmtp).append("\r\n");
            }
        }
        return s.toString();
    }

    /** The server's first UDP candidate on 127.0.0.1 if it offers one, else its first UDP candidate. */
    public static InetSocketAddress serverCandidate(Sdp sdp) {
        InetSocketAddress first = null;
        for (MediaSection m : sdp.media()) {
            for (String c : m.candidates()) {
                IceCandidates.Candidate cand = IceCandidates.parse("candidate:" + c);
                if (cand == null || !"udp".equalsIgnoreCase(cand.protocol())) {
                    continue;
                }
                InetSocketAddress a = cand.socketAddress();
                if (a.isUnresolved()) {
                    continue;
                }
                if (a.getAddress().isLoopbackAddress()) {
                    return a;
                }
                if (first == null) {
                    first = a;
                }
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("no usable UDP candidate in the server SDP");
        }
        return first;
    }

    /** The first section that carries ICE credentials (BUNDLE: all share them). */
    public static MediaSection transportSection(Sdp sdp) {
        for (MediaSection m : sdp.media()) {
            if (!m.isRejected() && sdp.iceUfrag(m) != null) {
                return m;
            }
        }
        throw new IllegalArgumentException("no ICE credentials in the server SDP");
    }

    private static void session(StringBuilder s, long sessionId, int version, List<String> mids) {
        s.append("v=0\r\n");
        s.append("o=- ").append(sessionId).append(' ').append(version).append(" IN IP4 127.0.0.1\r\n");
        s.append("s=-\r\nt=0 0\r\n");
        s.append("a=group:BUNDLE");
        mids.forEach(m -> s.append(' ').append(m));
        s.append("\r\na=extmap-allow-mixed\r\n");
    }

    private static void application(StringBuilder s, String ufrag, String pwd, String fingerprint, String setup,
                                    String mid) {
        s.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        transport(s, ufrag, pwd, fingerprint, setup, mid);
        s.append("a=sctp-port:5000\r\na=max-message-size:262144\r\n");
    }

    private static void transport(StringBuilder s, String ufrag, String pwd, String fingerprint, String setup,
                                  String mid) {
        s.append("c=IN IP4 0.0.0.0\r\n");
        s.append("a=ice-ufrag:").append(ufrag).append("\r\n");
        s.append("a=ice-pwd:").append(pwd).append("\r\n");
        s.append("a=ice-options:trickle\r\n");
        s.append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\n");
        s.append("a=setup:").append(setup).append("\r\n");
        s.append("a=mid:").append(mid).append("\r\n");
    }
}
