package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One media description (RFC 8866 §5.14): the m-line, its other lines (i, c, b, k) in order and its
 * attributes in order. Mutable so that answers can be built; typed accessors read the attributes.
 */
public final class MediaSection {
    /** {@code a=rtpmap:<pt> <name>/<clock>[/<channels>]} (RFC 8866 §6.6). channels is 1 when absent. */
    public record Rtpmap(int pt, String name, int clockRate, int channels) {
    }

    /** {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285 §8). direction null when absent. */
    public record Extmap(int id, Direction direction, String uri, String attributes) {
    }

    /** {@code a=ssrc:<ssrc> <name>[:<value>]} (RFC 5576 §4.1). */
    public record SsrcAttribute(long ssrc, String name, String value) {
    }

    /** {@code a=ssrc-group:<semantics> <ssrc>...} (RFC 5576 §4.2), e.g. FID or SIM. */
    public record SsrcGroup(String semantics, List<Long> ssrcs) {
    }

    /** {@code a=msid:<stream> [<track>]} (RFC 8830 §2). track null when absent. */
    public record Msid(String stream, String track) {
    }

    /** {@code a=rid:<id> <send|recv> [<params>]} (RFC 8851 §4). params "" when absent. */
    public record Rid(String id, String direction, String params) {
    }

    /** {@code a=simulcast:<direction> <streams> ...} (RFC 8853 §5.1), first direction/stream list only. */
    public record Simulcast(String direction, String streams) {
    }

    /** {@code a=fingerprint:<hash> <value>} (RFC 8122 §5). */
    public record Fingerprint(String algorithm, String value) {
        @Override
        public String toString() {
            return algorithm + " " + value;
        }
    }

    private final String media;
    private int port;
    private final String proto;
    private final List<String> formats;
    private final List<SdpLine> lines = new ArrayList<>();
    private final List<SdpAttribute> attributes = new ArrayList<>();

    public MediaSection(String media, int port, String proto, List<String> formats) {
        this.media = Objects.requireNonNull(media);
        this.port = port;
        this.proto = Objects.requireNonNull(proto);
        this.formats = new ArrayList<>(formats);
    }

    public String media() {
        return media;
    }

    /** The kind, or null for media types this package does not handle. */
    public MediaKind kind() {
        return MediaKind.fromSdp(media);
    }

    public int port() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String proto() {
        return proto;
    }

    public boolean isRtp() {
        return proto.contains("RTP/");
    }

    /** Format tokens from the m-line: payload types for RTP protos, e.g. "webrtc-datachannel" for SCTP. */
    public List<String> formats() {
        return Collections.unmodifiableList(formats);
    }

    /** Payload types of an RTP m-line in preference order (validated 0..127 at parse time). */
    public List<Integer> payloadTypes() {
        List<Integer> out = new ArrayList<>();
        if (isRtp()) {
            for (String f : formats) {
                out.add(Integer.parseInt(f));
            }
        }
        return out;
    }

    /** A port of zero rejects the m-line (RFC 3264 §6) unless it is bundle-only (RFC 8843 §6). */
    public boolean isRejected() {
        return port == 0 && !has("bundle-only");
    }

    public List<SdpLine> lines() {
        return lines;
    }

    public MediaSection addLine(char type, String value) {
        lines.add(new SdpLine(type, value));
        return this;
    }

    public String connection() {
        for (SdpLine l : lines) {
            if (l.type() == 'c') {
                return l.value();
            }
        }
        return null;
    }

    public List<SdpAttribute> attributes() {
        return attributes;
    }

    public MediaSection add(String name, Object value) {
        attributes.add(SdpAttribute.of(name, value));
        return this;
    }

    public MediaSection flag(String name) {
        attributes.add(SdpAttribute.flag(name));
        return this;
    }

    /** First attribute with the name, or null. */
    public SdpAttribute attribute(String name) {
        for (SdpAttribute a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public List<SdpAttribute> attributes(String name) {
        List<SdpAttribute> out = new ArrayList<>();
        for (SdpAttribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(a);
            }
        }
        return out;
    }

    public boolean has(String name) {
        return attribute(name) != null;
    }

    /** Trimmed value of the first attribute with the name, or null. */
    public String value(String name) {
        SdpAttribute a = attribute(name);
        return a == null ? null : a.trimmedValue();
    }

    public String mid() {
        return value("mid");
    }

    /** The media direction; sendrecv when no direction attribute is present (RFC 8866 §6.7). */
    public Direction direction() {
        for (SdpAttribute a : attributes) {
            Direction d = Direction.fromAttribute(a.name());
            if (d != null) {
                return d;
            }
        }
        return Direction.SENDRECV;
    }

    public String iceUfrag() {
        return value("ice-ufrag");
    }

    public String icePwd() {
        return value("ice-pwd");
    }

    public Fingerprint fingerprint() {
        return parseFingerprint(value("fingerprint"));
    }

    static Fingerprint parseFingerprint(String v) {
        if (v == null) {
            return null;
        }
        String[] p = v.split("\\s+", 2);
        if (p.length != 2) {
            throw new SdpParseException("malformed a=fingerprint '" + v + "'");
        }
        return new Fingerprint(p[0].toLowerCase(java.util.Locale.ROOT), p[1]);
    }

    public Setup setup() {
        String v = value("setup");
        return v == null ? null : Setup.fromSdp(v);
    }

    public boolean rtcpMux() {
        return has("rtcp-mux");
    }

    public boolean rtcpRsize() {
        return has("rtcp-rsize");
    }

    public List<Rtpmap> rtpmaps() {
        List<Rtpmap> out = new ArrayList<>();
        for (SdpAttribute a : attributes("rtpmap")) {
            out.add(parseRtpmap(a.trimmedValue()));
        }
        return out;
    }

    /** The rtpmap for a payload type, or null (static payload types may have none). */
    public Rtpmap rtpmap(int pt) {
        for (Rtpmap r : rtpmaps()) {
            if (r.pt() == pt) {
                return r;
            }
        }
        return null;
    }

    static Rtpmap parseRtpmap(String v) {
        String[] p = v.split("\\s+", 2);
        if (p.length != 2) {
            throw new SdpParseException("malformed a=rtpmap '" + v + "'");
        }
        int pt = SdpParser.payloadType(p[0], "a=rtpmap");
        String[] enc = p[1].split("/");
        if (enc.length < 2) {
            throw new SdpParseException("malformed a=rtpmap encoding '" + p[1] + "'");
        }
        int clock = SdpParser.positiveInt(enc[1], "a=rtpmap clock rate");
        int channels = enc.length > 2 ? SdpParser.positiveInt(enc[2], "a=rtpmap channels") : 1;
        return new Rtpmap(pt, enc[0], clock, channels);
    }

    /** The fmtp parameters for a payload type (RFC 8866 §6.15), or null. */
    public String fmtp(int pt) {
        String prefix = Integer.toString(pt);
        for (SdpAttribute a : attributes("fmtp")) {
            String v = a.trimmedValue();
            int sp = firstSpace(v);
            if (sp > 0 && v.substring(0, sp).equals(prefix)) {
                return v.substring(sp).trim();
            }
        }
        return null;
    }

    /** rtcp-fb values for the payload type, including wildcard {@code *} entries (RFC 4585 §4.2). */
    public List<String> rtcpFb(int pt) {
        String prefix = Integer.toString(pt);
        List<String> out = new ArrayList<>();
        for (SdpAttribute a : attributes("rtcp-fb")) {
            String v = a.trimmedValue();
            int sp = firstSpace(v);
            if (sp > 0) {
                String head = v.substring(0, sp);
                if (head.equals(prefix) || head.equals("*")) {
                    out.add(v.substring(sp).trim());
                }
            }
        }
        return out;
    }

    public List<Extmap> extmaps() {
        List<Extmap> out = new ArrayList<>();
        for (SdpAttribute a : attributes("extmap")) {
            out.add(parseExtmap(a.trimmedValue()));
        }
        return out;
    }

    /** The extmap id negotiated for a URI, or -1. */
    public int extmapId(String uri) {
        for (Extmap e : extmaps()) {
            if (e.uri().equals(uri)) {
                return e.id();
            }
        }
        return -1;
    }

    static Extmap parseExtmap(String v) {
        String[] p = v.split("\\s+", 3);
        if (p.length < 2) {
            throw new SdpParseException("malformed a=extmap '" + v + "'");
        }
        String idPart = p[0];
        Direction dir = null;
        int slash = idPart.indexOf('/');
        if (slash >= 0) {
            dir = Direction.fromAttribute(idPart.substring(slash + 1));
            if (dir == null) {
                throw new SdpParseException("bad a=extmap direction in '" + v + "'");
            }
            idPart = idPart.substring(0, slash);
        }
        int id = SdpParser.intInRange(idPart, 1, 255, "a=extmap id");
        return new Extmap(id, dir, p[1], p.length > 2 ? p[2] : "");
    }

    public List<SsrcAttribute> ssrcs() {
        List<SsrcAttribute> out = new ArrayList<>();
        for (SdpAttribute a : attributes("ssrc")) {
            String v = a.trimmedValue();
            int sp = firstSpace(v);
            String ssrcText = sp < 0 ? v : v.substring(0, sp);
            long ssrc = SdpParser.ssrc(ssrcText);
            String rest = sp < 0 ? "" : v.substring(sp + 1).trim();
            int colon = rest.indexOf(':');
            out.add(colon < 0 ? new SsrcAttribute(ssrc, rest, null)
                    : new SsrcAttribute(ssrc, rest.substring(0, colon), rest.substring(colon + 1)));
        }
        return out;
    }

    /** Distinct SSRCs from a=ssrc lines in order of appearance. */
    public List<Long> ssrcIds() {
        List<Long> out = new ArrayList<>();
        for (SsrcAttribute s : ssrcs()) {
            if (!out.contains(s.ssrc())) {
                out.add(s.ssrc());
            }
        }
        return out;
    }

    public List<SsrcGroup> ssrcGroups() {
        List<SsrcGroup> out = new ArrayList<>();
        for (SdpAttribute a : attributes("ssrc-group")) {
            String[] p = a.trimmedValue().split("\\s+");
            List<Long> ids = new ArrayList<>();
            for (int i = 1; i < p.length; i++) {
                ids.add(SdpParser.ssrc(p[i]));
            }
            out.add(new SsrcGroup(p[0], ids));
        }
        return out;
    }

    /** The first ssrc-group with the semantics (e.g. "FID", "SIM"), or null. */
    public SsrcGroup ssrcGroup(String semantics) {
        for (SsrcGroup g : ssrcGroups()) {
            if (g.semantics().equals(semantics)) {
                return g;
            }
        }
        return null;
    }

    /** The a=msid attribute, falling back to an {@code a=ssrc:<n> msid:} line (RFC 5576 / pre-8830); or null. */
    public Msid msid() {
        String v = value("msid");
        if (v == null) {
            for (SsrcAttribute s : ssrcs()) {
                if (s.name().equals("msid") && s.value() != null) {
                    v = s.value().trim();
                    break;
                }
            }
        }
        if (v == null || v.isEmpty()) {
            return null;
        }
        String[] p = v.split("\\s+", 2);
        return new Msid(p[0], p.length > 1 ? p[1] : null);
    }

    public List<Rid> rids() {
        List<Rid> out = new ArrayList<>();
        for (SdpAttribute a : attributes("rid")) {
            String[] p = a.trimmedValue().split("\\s+", 3);
            if (p.length < 2 || !(p[1].equals("send") || p[1].equals("recv"))) {
                throw new SdpParseException("malformed a=rid '" + a.trimmedValue() + "'");
            }
            out.add(new Rid(p[0], p[1], p.length > 2 ? p[2] : ""));
        }
        return out;
    }

    public Simulcast simulcast() {
        String v = value("simulcast");
        if (v == null) {
            return null;
        }
        String[] p = v.split("\\s+");
        if (p.length < 2 || !(p[0].equals("send") || p[0].equals("recv"))) {
            throw new SdpParseException("malformed a=simulcast '" + v + "'");
        }
        return new Simulcast(p[0], p[1]);
    }

    /** a=sctp-port (RFC 8841 §5), or -1. */
    public int sctpPort() {
        String v = value("sctp-port");
        return v == null ? -1 : SdpParser.intInRange(v, 0, 65535, "a=sctp-port");
    }

    /** a=max-message-size (RFC 8841 §6), or -1. */
    public long maxMessageSize() {
        String v = value("max-message-size");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SdpParseException("malformed a=max-message-size '" + v + "'");
        }
    }

    /** Values of a=candidate lines (RFC 8839 §5.1), without the "candidate:" attribute name. */
    public List<String> candidates() {
        List<String> out = new ArrayList<>();
        for (SdpAttribute a : attributes("candidate")) {
            out.add(a.trimmedValue());
        }
        return out;
    }

    public boolean endOfCandidates() {
        return has("end-of-candidates");
    }

    private static int firstSpace(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (Character.isWhitespace(v.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    void appendTo(StringBuilder sb) {
        sb.append("m=").append(media).append(' ').append(port).append(' ').append(proto);
        for (String f : formats) {
            sb.append(' ').append(f);
        }
        sb.append("\r\n");
        for (SdpLine l : lines) {
            sb.append(l).append("\r\n");
        }
        for (SdpAttribute a : attributes) {
            sb.append("a=").append(a).append("\r\n");
        }
    }
}
