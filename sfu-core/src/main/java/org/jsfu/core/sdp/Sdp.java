package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A session description (RFC 8866 §5): session-level lines (v, o, s, c, b, t, ...) in order, session
 * attributes in order, then media sections. {@link #toString()} serialises with CRLF line endings;
 * {@link #parse(String)} accepts CRLF or bare LF.
 */
public final class Sdp {
    private final List<SdpLine> lines = new ArrayList<>();
    private final List<SdpAttribute> attributes = new ArrayList<>();
    private final List<MediaSection> media = new ArrayList<>();

    /** Parses and validates an SDP text; throws {@link SdpParseException} with a clear message on bad input. */
    public static Sdp parse(String text) {
        return SdpParser.parse(text);
    }

    /** Session-level non-attribute lines in order (v, o, s, i, u, e, p, c, b, t, r, z, k). */
    public List<SdpLine> lines() {
        return lines;
    }

    public Sdp addLine(char type, String value) {
        lines.add(new SdpLine(type, value));
        return this;
    }

    /** The value of the first session-level line of the type, or null. */
    public String line(char type) {
        for (SdpLine l : lines) {
            if (l.type() == type) {
                return l.value();
            }
        }
        return null;
    }

    public List<SdpAttribute> attributes() {
        return attributes;
    }

    public Sdp add(String name, Object value) {
        attributes.add(SdpAttribute.of(name, value));
        return this;
    }

    public Sdp flag(String name) {
        attributes.add(SdpAttribute.flag(name));
        return this;
    }

    public SdpAttribute attribute(String name) {
        for (SdpAttribute a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** Trimmed value of the first session attribute with the name, or null. */
    public String value(String name) {
        SdpAttribute a = attribute(name);
        return a == null ? null : a.trimmedValue();
    }

    public boolean has(String name) {
        return attribute(name) != null;
    }

    public List<MediaSection> media() {
        return media;
    }

    public MediaSection media(String mid) {
        for (MediaSection m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    public boolean iceLite() {
        return has("ice-lite");
    }

    /** Mids of the first {@code a=group:BUNDLE} (RFC 8843 §7.1), or an empty list. */
    public List<String> bundleMids() {
        for (SdpAttribute a : attributes) {
            if (a.name().equals("group")) {
                String[] p = a.trimmedValue().split("\\s+");
                if (p[0].equals("BUNDLE")) {
                    return List.of(p).subList(1, p.length);
                }
            }
        }
        return List.of();
    }

    /** ice-ufrag of the media section, falling back to the session level (RFC 8839 §5.4). */
    public String iceUfrag(MediaSection m) {
        String v = m.iceUfrag();
        return v != null ? v : value("ice-ufrag");
    }

    public String icePwd(MediaSection m) {
        String v = m.icePwd();
        return v != null ? v : value("ice-pwd");
    }

    /** Fingerprint of the media section, falling back to the session level (RFC 8122 §5). */
    public MediaSection.Fingerprint fingerprint(MediaSection m) {
        MediaSection.Fingerprint f = m.fingerprint();
        return f != null ? f : MediaSection.parseFingerprint(value("fingerprint"));
    }

    public Setup setup(MediaSection m) {
        Setup s = m.setup();
        if (s != null) {
            return s;
        }
        String v = value("setup");
        return v == null ? null : Setup.fromSdp(v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(1024);
        for (SdpLine l : lines) {
            sb.append(l).append("\r\n");
        }
        for (SdpAttribute a : attributes) {
            sb.append("a=").append(a).append("\r\n");
        }
        for (MediaSection m : media) {
            m.appendTo(sb);
        }
        return sb.toString();
    }
}
