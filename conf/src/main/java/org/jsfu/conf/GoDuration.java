package org.jsfu.conf;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go's time.ParseDuration syntax ("4h", "1h30m", "1.5s", "300ms", "0"); a bare integer means seconds. */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {}

    /** @throws IllegalArgumentException when text is not a Go duration */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) throw new IllegalArgumentException("empty duration");
        if (s.equals("0")) return Duration.ZERO;
        if (s.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(s));
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) s = s.substring(1);
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            double v = Double.parseDouble(m.group(1));
            nanos += v * unitNanos(m.group(2));
            pos = m.end();
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return negative ? d.negated() : d;
    }

    private static double unitNanos(String unit) {
        switch (unit) {
            case "ns": return 1;
            case "us": case "µs": return 1e3;
            case "ms": return 1e6;
            case "s": return 1e9;
            case "m": return 60e9;
            default: return 3600e9;
        }
    }
}
