package org.jsfu.core.sdp;

import java.util.List;

/** The answer SDP for a publisher offer and one {@link NegotiatedMedia} per offered m-line, in order. */
public record PublisherAnswer(String sdp, List<NegotiatedMedia> media) {
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
