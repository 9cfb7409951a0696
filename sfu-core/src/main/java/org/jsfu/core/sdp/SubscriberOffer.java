package org.jsfu.core.sdp;

import java.util.Map;

/** A subscriber offer SDP and the mid -> track sid map sent with it (SessionDescription.mid_to_track_id). */
public record SubscriberOffer(String sdp, Map<String, String> midToTrackId) {
    public SubscriberOffer {
        midToTrackId = Map.copyOf(midToTrackId);
    }
}
