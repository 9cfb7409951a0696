package org.jsfu.core.sdp;

import java.util.List;

/**
 * What the subscriber's answer tells us: its transport (ICE credentials, fingerprint, setup; with
 * {@code setup == ACTIVE} the browser is the DTLS client and we are the DTLS server) and per m-line results.
 */
public record SubscriberAnswerInfo(RemoteTransport remote, List<AnsweredMedia> media) {
    public SubscriberAnswerInfo {
        media = List.copyOf(media);
    }

    public AnsweredMedia byMid(String mid) {
        for (AnsweredMedia m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }
}
