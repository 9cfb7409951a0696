package org.jsfu.core.sdp;

import java.util.List;

/** Shared pieces for writing server-generated SDP (RFC 8866 §5, RFC 8839 §5, RFC 8842 §5). */
final class SdpWriter {
    private SdpWriter() {
    }

    /** v=, o=, s=, t= and a=ice-lite when configured (RFC 8866 §5.1-5.4, §5.9; RFC 8839 §5.3). */
    static Sdp session(long sessionId, long sessionVersion, LocalTransport local) {
        Sdp sdp = new Sdp();
        sdp.addLine('v', "0");
        sdp.addLine('o', "- " + sessionId + " " + sessionVersion + " IN IP4 127.0.0.1");
        sdp.addLine('s', "-");
        sdp.addLine('t', "0 0");
        if (local.iceLite()) {
            sdp.flag("ice-lite");
        }
        return sdp;
    }

    /** A stable positive session id (RFC 8866 §5.2 only asks for uniqueness) derived from the ICE ufrag. */
    static long sessionIdFor(LocalTransport local) {
        long h = 1125899906842597L;
        for (int i = 0; i < local.iceUfrag().length(); i++) {
            h = 31 * h + local.iceUfrag().charAt(i);
        }
        return (h & 0x3FFFFFFFFFFFFFFFL) | 1L;
    }

    /** ICE credentials, fingerprint, setup and mid of one media section. */
    static void transport(MediaSection m, LocalTransport local, Setup setup, String mid) {
        m.add("ice-ufrag", local.iceUfrag());
        m.add("ice-pwd", local.icePwd());
        m.add("ice-options", "trickle");
        m.add("fingerprint", "sha-256 " + local.fingerprintSha256());
        m.add("setup", setup.sdpValue());
        m.add("mid", mid);
    }

    /** a=candidate lines then a=end-of-candidates (RFC 8840 §4.1) when the server knows all of them. */
    static void candidates(MediaSection m, LocalTransport local) {
        for (String c : local.candidates()) {
            m.add("candidate", c.startsWith("candidate:") ? c.substring("candidate:".length()) : c);
        }
        if (!local.candidates().isEmpty()) {
            m.flag("end-of-candidates");
        }
    }

    /** a=rtpmap, a=rtcp-fb and a=fmtp for one payload type (RFC 8866 §6.6, §6.15; RFC 4585 §4.2). */
    static void rtpmap(MediaSection m, Codec c, List<String> feedback) {
        m.add("rtpmap", c.rtpmapValue());
        for (String fb : feedback) {
            m.add("rtcp-fb", c.pt() + " " + fb);
        }
        if (!c.fmtp().isEmpty()) {
            m.add("fmtp", c.pt() + " " + c.fmtp());
        }
    }
}
