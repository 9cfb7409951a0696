package org.jsfu.core.sdp;

/** An RTP payload format: payload type, encoding name, clock rate, channels and fmtp ("" when none). */
public record Codec(int pt, String name, int clockRate, int channels, String fmtp) {
    public Codec {
        if (pt < 0 || pt > 127) {
            throw new IllegalArgumentException("payload type " + pt + " out of range 0..127");
        }
        fmtp = fmtp == null ? "" : fmtp;
    }

    /** Opus for a subscriber offer (RFC 7587 §7): {@code minptime=10;useinbandfec=1}, plus sprop-stereo. */
    public static Codec opus(int pt, boolean stereo) {
        return new Codec(pt, "opus", 48000, 2, "minptime=10;useinbandfec=1" + (stereo ? ";sprop-stereo=1" : ""));
    }

    public static Codec vp8(int pt) {
        return new Codec(pt, "VP8", 90000, 1, "");
    }

    public static Codec h264(int pt) {
        return new Codec(pt, "H264", 90000, 1, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    }

    public boolean is(String encodingName) {
        return name.equalsIgnoreCase(encodingName);
    }

    /** "audio/opus" style MIME type for the given kind. */
    public String mimeType(MediaKind kind) {
        return kind.sdpName() + "/" + name;
    }

    String rtpmapValue() {
        return pt + " " + name + "/" + clockRate + (channels > 1 ? "/" + channels : "");
    }
}
