package org.jsfu.core.sdp;

import java.util.List;

/**
 * The answer SDP for a publisher offer, one {@link NegotiatedMedia} per offered m-line in order, and the
 * DTLS role written into the answer: PASSIVE (we are the DTLS server) for the usual {@code actpass}
 * offer, ACTIVE only when the offer said {@code passive} (RFC 8842 §5.2).
 */
public record PublisherAnswer(String sdp, List<NegotiatedMedia> media, Setup localSetup) {
    public PublisherAnswer {
        media = List.copyOf(media);
    }

    public NegotiatedMedia byMid(String mid) {
        for (NegotiatedMedia m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    public NegotiatedMedia byTrackCid(String cid) {
        for (NegotiatedMedia m : media) {
            if (cid.equals(m.msidTrack())) {
                return m;
            }
        }
        return null;
    }
}
