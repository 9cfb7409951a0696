package org.jsfu.core.sdp;

import java.util.ArrayList;
import java.util.List;

/** Line-oriented SDP parser (RFC 8866 §5) with size limits and payload-type validation. */
final class SdpParser {
    /** Upper bound on SDP text size; a browser offer with dozens of tracks stays far below it. */
    static final int MAX_CHARS = 512 * 1024;
    static final int MAX_LINE_CHARS = 8 * 1024;
    static final int MAX_MEDIA_SECTIONS = 512;

    private SdpParser() {
    }

    static Sdp parse(String text) {
        if (text == null || text.isBlank()) {
            throw new SdpParseException("empty SDP");
        }
        if (text.length() > MAX_CHARS) {
            throw new SdpParseException("SDP too large: " + text.length() + " chars (max " + MAX_CHARS + ")");
        }
        Sdp sdp = new Sdp();
        MediaSection current = null;
        int lineNo = 0;
        boolean first = true;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(start, lineEnd);
            start = end + 1;
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() > MAX_LINE_CHARS) {
                throw new SdpParseException("line " + lineNo + " too long: " + line.length() + " chars");
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpParseException("line " + lineNo + " is not '<type>=<value>': '" + abbreviate(line) + "'");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (first && !(type == 'v' && value.equals("0"))) {
                throw new SdpParseException("SDP must start with v=0 (RFC 8866 §5.1), got '" + abbreviate(line) + "'");
            }
            first = false;
            if (type == 'm') {
                if (sdp.media().size() >= MAX_MEDIA_SECTIONS) {
                    throw new SdpParseException("too many media sections (max " + MAX_MEDIA_SECTIONS + ")");
                }
                current = parseMediaLine(value, sdp.media().size());
                sdp.media().add(current);
            } else if (type == 'a') {
                SdpAttribute a = SdpAttribute.parse(value);
                validateAttribute(a, sdp.media().size());
                if (current == null) {
                    sdp.attributes().add(a);
                } else {
                    current.attributes().add(a);
                }
            } else if (current == null) {
                sdp.lines().add(new SdpLine(type, value));
            } else {
                current.lines().add(new SdpLine(type, value));
            }
        }
        if (sdp.line('o') == null) {
            throw new SdpParseException("SDP has no o= line (RFC 8866 §5.2)");
        }
        return sdp;
    }

    private static MediaSection parseMediaLine(String value, int index) {
        String[] p = value.trim().split(" +");
        if (p.length < 4) {
            throw new SdpParseException("m-line " + index + " needs '<media> <port> <proto> <fmt>...': '"
                    + abbreviate(value) + "'");
        }
        String portText = p[1];
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            portText = portText.substring(0, slash);
        }
        int port = intInRange(portText, 0, 65535, "m-line " + index + " port");
        List<String> formats = new ArrayList<>(List.of(p).subList(3, p.length));
        MediaSection m = new MediaSection(p[0], port, p[2], formats);
        if (m.isRtp()) {
            for (String f : formats) {
                payloadType(f, "m-line " + index);
            }
        }
        return m;
    }

    /** rtpmap and fmtp carry a payload type that must be a 7-bit value (RFC 3550 §5.1). */
    private static void validateAttribute(SdpAttribute a, int mediaCount) {
        if (a.value() == null) {
            return;
        }
        String where = mediaCount == 0 ? "session" : "m-line " + (mediaCount - 1);
        switch (a.name()) {
            case "rtpmap":
                MediaSection.parseRtpmap(a.trimmedValue());
                break;
            case "fmtp": {
                String v = a.trimmedValue();
                String[] p = v.split("\\s+", 2);
                payloadType(p[0], "a=fmtp in " + where);
                break;
            }
            case "rtcp-fb": {
                String head = a.trimmedValue().split("\\s+", 2)[0];
                if (!head.equals("*")) {
                    payloadType(head, "a=rtcp-fb in " + where);
                }
                break;
            }
            case "extmap":
                MediaSection.parseExtmap(a.trimmedValue());
                break;
            default:
                break;
        }
    }

    static int payloadType(String text, String where) {
        return intInRange(text, 0, 127, "payload type in " + where);
    }

    static int positiveInt(String text, String what) {
        return intInRange(text, 1, Integer.MAX_VALUE, what);
    }

    static int intInRange(String text, int min, int max, String what) {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 10) {
            throw new SdpParseException(what + ": '" + abbreviate(t) + "' is not a number");
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new SdpParseException(what + ": '" + abbreviate(t) + "' is not a number");
        }
        if (v < min || v > max) {
            throw new SdpParseException(what + ": " + v + " out of range " + min + ".." + max);
        }
        return (int) v;
    }

    static long ssrc(String text) {
        String t = text.trim();
        try {
            long v = Long.parseLong(t);
            if (v < 0 || v > 0xFFFFFFFFL) {
                throw new SdpParseException("ssrc " + v + " out of range 0..4294967295");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SdpParseException("ssrc '" + abbreviate(t) + "' is not a number");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
