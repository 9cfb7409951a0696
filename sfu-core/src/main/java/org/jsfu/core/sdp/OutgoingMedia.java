package org.jsfu.core.sdp;

import java.util.Objects;

/**
 * One m-line of a subscriber offer. For APPLICATION only {@code mid} matters. For audio/video:
 * {@code active == false} writes an inactive section (track removed) without ssrc/msid; the mid stays
 * taken. {@code rtxPt}/{@code rtxSsrc} are -1 when no rtx (RFC 4588) is sent.
 */
public record OutgoingMedia(String mid, MediaKind kind, boolean active, Codec codec, int rtxPt, long ssrc,
                            long rtxSsrc, String cname, String participantSid, String trackSid) {
    public OutgoingMedia {
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(kind, "kind");
        if (kind != MediaKind.APPLICATION) {
            Objects.requireNonNull(codec, "codec");
            if (active) {
                Objects.requireNonNull(participantSid, "participantSid");
                Objects.requireNonNull(trackSid, "trackSid");
                Objects.requireNonNull(cname, "cname");
                if (ssrc < 0 || ssrc > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException("ssrc out of range: " + ssrc);
                }
                if ((rtxPt >= 0) != (rtxSsrc >= 0)) {
                    throw new IllegalArgumentException("rtxPt and rtxSsrc must both be set or both be -1");
                }
            }
        }
    }

    public static OutgoingMedia dataChannels(String mid) {
        return new OutgoingMedia(mid, MediaKind.APPLICATION, true, null, -1, -1, -1, null, null, null);
    }

    public static OutgoingMedia audio(String mid, Codec codec, long ssrc, String cname, String participantSid,
                                      String trackSid) {
        return new OutgoingMedia(mid, MediaKind.AUDIO, true, codec, -1, ssrc, -1, cname, participantSid, trackSid);
    }

    public static OutgoingMedia video(String mid, Codec codec, int rtxPt, long ssrc, long rtxSsrc, String cname,
                                      String participantSid, String trackSid) {
        return new OutgoingMedia(mid, MediaKind.VIDEO, true, codec, rtxPt, ssrc, rtxSsrc, cname, participantSid,
                trackSid);
    }

    /** The same m-line after its track was removed: inactive, no ssrc, mid kept. */
    public OutgoingMedia deactivated() {
        return new OutgoingMedia(mid, kind, false, codec, rtxPt, -1, -1, cname, participantSid, trackSid);
    }

    /** The msid stream id LiveKit JS parses: {@code <participantSid>|<trackSid>}. */
    public String msidStream() {
        return participantSid + "|" + trackSid;
    }
}
