package org.jsfu.core.sdp;

import java.util.List;

/**
 * The outcome of answering one publisher m-line.
 *
 * @param accepted        false when the m-line was rejected (port 0) for lack of an acceptable codec
 *                        or an unknown media type
 * @param answerDirection what the answer says: RECVONLY when the client sends, else INACTIVE
 * @param msidStream      first msid token, or null
 * @param msidTrack       second msid token = the client's track cid (AddTrackRequest.cid), or null
 * @param codec           the chosen primary codec (opus for audio even when RED is accepted), or null
 * @param rtxPt           rtx payload type for the codec (RFC 4588), or -1
 * @param redPt           RED payload type when RED was accepted (policy.allowRed), or -1
 * @param rids            rid ids the client sends (simulcast), in offer order
 */
public record NegotiatedMedia(String mid, MediaKind kind, boolean accepted, Direction offerDirection,
                              Direction answerDirection, String msidStream, String msidTrack, Codec codec,
                              int rtxPt, int redPt, HeaderExtensionIds extensionIds, MediaSsrcs ssrcs,
                              List<String> rids) {
    public NegotiatedMedia {
        rids = List.copyOf(rids);
    }

    /** True when the client will send media on this m-line. */
    public boolean receiving() {
        return accepted && answerDirection == Direction.RECVONLY;
    }
}
