package org.jsfu.core.sdp;

/** RTP header extension URIs used with {@code a=extmap} (RFC 8285). */
public final class RtpExtensionUris {
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String ABS_CAPTURE_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
    /** The URI Chrome (libwebrtc) and livekit-client use. */
    public static final String DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
    /** An older spelling seen in some stacks; accepted as an alias when answering. */
    public static final String DEPENDENCY_DESCRIPTOR_ALT =
            "https://aomedia.org/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

    private RtpExtensionUris() {
    }
}
