package org.jsfu.core.media;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jsfu.core.sdp.AnsweredMedia;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.sdp.MediaKind;
import org.jsfu.core.sdp.OutgoingMedia;
import org.jsfu.core.sdp.SubscriberAnswerInfo;

/**
 * The m-lines of a subscriber peer connection's offers, in order: data channels (mid 0), then one per
 * track ever forwarded. A removed track leaves an inactive m-line (RFC 3264 8.2: m-lines are never
 * removed from later offers); a later track of the same kind and codec takes that m-line back (new
 * ssrc and msid, RFC 8829 5.2.2 / 5.3.2) instead of a new mid, so a client's transceivers do not grow
 * with churn. Only m-lines that were inactive in an offer the client answered are taken back: the
 * browser then sees the direction go inactive -> sendonly, which is what makes it fire a {@code track}
 * event for the new track (W3C webrtc-pc, "set the RTCSessionDescription": a remote track is added only
 * when the transceiver's [[FiredDirection]] gains receive); a sendonly -> sendonly change of msid fires none.
 * Runs on the room's loop; nothing here is on the packet path.
 */
final class SubscriberMediaLines {
    private final List<OutgoingMedia> media = new ArrayList<>();
    private final List<OutgoingMedia> view = Collections.unmodifiableList(media);
    /** Inactive mids the client has answered as inactive: free to take back. */
    private final Set<String> reusable = new HashSet<>();
    /** Inactive mids of the offer last sent. */
    private final List<String> inactiveInOffer = new ArrayList<>();
    private int nextMid = 1;

    SubscriberMediaLines() {
        media.add(OutgoingMedia.dataChannels("0"));
    }

    /** The m-lines for the next offer (a read-only view). */
    List<OutgoingMedia> media() {
        return view;
    }

    /**
     * A sendonly m-line for a track: a reusable inactive one of the same kind, codec (RFC 4566 rtpmap and
     * fmtp: the same {@link Codec}) and rtx payload type when there is one, else a new mid at the end.
     * Returns its mid.
     */
    String add(MediaKind kind, Codec codec, int rtxPt, long ssrc, long rtxSsrc, String cname,
               String participantSid, String trackSid) {
        for (int i = 0; i < media.size(); i++) {
            OutgoingMedia m = media.get(i);
            if (!m.active() && m.kind() == kind && m.codec().equals(codec) && m.rtxPt() == rtxPt
                    && reusable.remove(m.mid())) {
                media.set(i, new OutgoingMedia(m.mid(), kind, true, codec, rtxPt, ssrc, rtxSsrc, cname,
                        participantSid, trackSid));
                return m.mid();
            }
        }
        String mid = Integer.toString(nextMid++);
        media.add(new OutgoingMedia(mid, kind, true, codec, rtxPt, ssrc, rtxSsrc, cname, participantSid, trackSid));
        return mid;
    }

    /** The track of {@code mid} was removed: its m-line turns inactive (no ssrc, no msid), its mid stays taken. */
    void deactivate(String mid) {
        for (int i = 0; i < media.size(); i++) {
            OutgoingMedia m = media.get(i);
            if (m.mid().equals(mid)) {
                media.set(i, m.deactivated());
            }
        }
    }

    /** An offer of {@link #media()} was sent: remembers which of its m-lines were inactive. */
    void offerSent() {
        inactiveInOffer.clear();
        for (OutgoingMedia m : media) {
            if (m.kind() != MediaKind.APPLICATION && !m.active()) {
                inactiveInOffer.add(m.mid());
            }
        }
    }

    /**
     * The client answered the offer last sent: its m-lines that were inactive in it, accepted in the answer
     * and still inactive become reusable.
     */
    void answered(SubscriberAnswerInfo answer) {
        for (String mid : inactiveInOffer) {
            AnsweredMedia am = answer.byMid(mid);
            if (am != null && am.accepted() && isInactive(mid)) {
                reusable.add(mid);
            }
        }
        inactiveInOffer.clear();
    }

    private boolean isInactive(String mid) {
        for (OutgoingMedia m : media) {
            if (m.mid().equals(mid)) {
                return !m.active();
            }
        }
        return false;
    }
}
