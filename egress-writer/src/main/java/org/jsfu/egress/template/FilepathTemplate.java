package org.jsfu.egress.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * Track egress file paths as LiveKit builds them (livekit-protocol.md section 8.2): template variables,
 * the auto-egress {@code -{track_id}} insertion, the default name for an empty or directory path, the
 * codec extension, and path cleaning so the result never leaves the storage prefix.
 *
 * <p>{@code {time}} is UTC {@code yyyy-MM-dd'T'HHmmss} (second resolution) and {@code {utc}} is UTC
 * {@code yyyyMMddHHmmss} plus 3-digit milliseconds; both come from the file's start time.
 */
public final class FilepathTemplate {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Set<String> KNOWN_EXT = Set.of(".ogg", ".webm", ".mp4", ".ts", ".m3u8", ".mkv", ".ivf", ".h264", ".mp3", ".wav");
    private static final int MAX_LEN = 1024;

    /** Values substituted into the template. */
    public record Values(String roomName, String roomId, String trackId, String trackType, String trackSource,
            String publisherIdentity, long timeNanos, int retry) {}

    private FilepathTemplate() {}

    /**
     * Auto track egress rule: a non-empty path that does not end in '/' and lacks {@code {track_id}} gets
     * {@code -{track_id}} inserted before its first '.', or appended when it has none.
     */
    public static String insertTrackIdForAutoEgress(String filepath) {
        if (filepath == null || filepath.isEmpty() || filepath.endsWith("/") || filepath.contains("{track_id}")) {
            return filepath == null ? "" : filepath;
        }
        int dot = filepath.indexOf('.');
        return dot < 0 ? filepath + "-{track_id}" : filepath.substring(0, dot) + "-{track_id}" + filepath.substring(dot);
    }

    /** File extension for a track codec MIME type: opus, PCMU and PCMA are written as Ogg Opus. */
    public static String extensionFor(String mimeType) {
        String m = mimeType == null ? "" : mimeType.toLowerCase(Locale.ROOT);
        if (m.endsWith("opus") || m.endsWith("pcmu") || m.endsWith("pcma") || m.endsWith("red")) return ".ogg";
        if (m.endsWith("vp8") || m.endsWith("vp9")) return ".webm";
        if (m.endsWith("h264")) return ".mp4";
        throw new IllegalArgumentException("unsupported codec " + mimeType);
    }

    /**
     * Resolves a template to the final storage path (relative, cleaned, with {@code extension}).
     *
     * @param template DirectFileOutput.filepath (after {@link #insertTrackIdForAutoEgress} for auto egress)
     * @param extension e.g. ".ogg"
     */
    public static String resolve(String template, Values v, String extension) {
        String t = template == null ? "" : template;
        if (t.isEmpty() || t.endsWith("/")) t = t + "{track_id}-{time}";
        String path = clean(expand(t, v));
        if (path.isEmpty() || path.endsWith("/")) path = path + clean(expand("{track_id}-{time}", v));
        path = withExtension(path, extension);
        if (path.length() > MAX_LEN) throw new IllegalArgumentException("file path too long");
        return path;
    }

    static String expand(String t, Values v) {
        Instant at = Instant.ofEpochSecond(0, v.timeNanos());
        return t.replace("{room_name}", value(v.roomName()))
                .replace("{room_id}", value(v.roomId()))
                .replace("{track_id}", value(v.trackId()))
                .replace("{track_type}", value(v.trackType()).toLowerCase(Locale.ROOT))
                .replace("{track_source}", value(v.trackSource()).toLowerCase(Locale.ROOT))
                .replace("{publisher_identity}", value(v.publisherIdentity()))
                .replace("{time}", TIME.format(at))
                .replace("{utc}", UTC.format(at))
                .replace("{retry}", Integer.toString(v.retry()));
    }

    /** A variable's value: no separators or control characters, never "." or "..". */
    static String value(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') continue;
            b.append(c);
        }
        String r = b.toString();
        return r.equals(".") || r.equals("..") ? "" : r;
    }

    /**
     * Cleans a relative path: control characters (NUL, CR, LF, ...) and backslashes removed, segments
     * "", "." and ".." dropped (so the path can only go down from the prefix), no leading '/'. A trailing
     * '/' is kept.
     */
    public static String clean(String p) {
        StringBuilder b = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') continue;
            b.append(c);
        }
        String s = b.toString();
        boolean dir = s.endsWith("/");
        StringBuilder out = new StringBuilder(s.length());
        for (String seg : s.split("/")) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) continue;
            if (out.length() > 0) out.append('/');
            out.append(seg);
        }
        if (dir && out.length() > 0) out.append('/');
        return out.toString();
    }

    static String withExtension(String path, String extension) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash) {
            String ext = path.substring(dot).toLowerCase(Locale.ROOT);
            if (ext.equals(extension)) return path;
            if (KNOWN_EXT.contains(ext)) return path.substring(0, dot) + extension;
        }
        return path + extension;
    }
}
