package org.jsfu.server;

import org.jsfu.core.room.MediaSessionFactory;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.TrackInfo;

/**
 * Test media plane for signalling-only tests: it has no peer connections. It marks each
 * participant ACTIVE as soon as its join was sent and ignores SDP, candidates and data. Browsers cannot
 * connect media through it (their publisher offer is never answered); the real media plane replaces
 * this factory in {@link JsfuServer}.
 */
public final class SignalingOnlyMedia implements MediaSessionFactory {
    private final boolean mediaConnected;
    private final RuntimeException resumeFailure;

    /** Sessions that report no connected media: a closed WebSocket removes the participant at once. */
    public SignalingOnlyMedia() {
        this(false);
    }

    /** {@code mediaConnected}: sessions report connected media, so a closed WebSocket keeps them for a resume. */
    public SignalingOnlyMedia(boolean mediaConnected) {
        this(mediaConnected, null);
    }

    /** As {@link #SignalingOnlyMedia(boolean)}; {@code resumeFailure}, when set, is thrown by onSignalResumed. */
    public SignalingOnlyMedia(boolean mediaConnected, RuntimeException resumeFailure) {
        this.mediaConnected = mediaConnected;
        this.resumeFailure = resumeFailure;
    }

    @Override
    public ParticipantMedia create(Room room, Participant participant) {
        return new ParticipantMedia() {
            @Override
            public void start() {
                participant.setActive();
            }

            @Override
            public boolean mediaConnected() {
                return mediaConnected;
            }

            @Override
            public void onSignalResumed(int reason) {
                if (resumeFailure != null) {
                    throw resumeFailure;
                }
            }

            @Override
            public void onPublisherOffer(String sdp, int id) {
                // no transport: nothing to answer with
            }

            @Override
            public void onSubscriberAnswer(String sdp, int id) {
            }

            @Override
            public void onTrickle(String candidateInit, int target) {
            }

            @Override
            public void onTrackSubscribed(Participant publisher, TrackInfo track) {
            }

            @Override
            public void onTrackUnsubscribed(String publisherSid, String trackSid) {
            }

            @Override
            public void onMute(String trackSid, boolean muted) {
            }

            @Override
            public void onTrackUnpublished(String trackSid) {
            }

            @Override
            public void sendData(byte[] dataPacket, boolean reliable) {
            }

            @Override
            public void close() {
            }
        };
    }
}
