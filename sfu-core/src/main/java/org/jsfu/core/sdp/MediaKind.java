package org.jsfu.core.sdp;

/** The media type of an m-line this package understands (RFC 8866 §5.14). */
public enum MediaKind {
    AUDIO, VIDEO, APPLICATION;

    public String sdpName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns the kind for an m-line media token, or null when unknown (e.g. "text"). */
    public static MediaKind fromSdp(String media) {
        switch (media) {
            case "audio": return AUDIO;
            case "video": return VIDEO;
            case "application": return APPLICATION;
            default: return null;
        }
    }
}
