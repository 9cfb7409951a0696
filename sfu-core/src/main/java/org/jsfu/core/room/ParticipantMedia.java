package org.jsfu.core.room;

/**
 * The media side of one participant (its peer connections). Created by a {@link MediaSessionFactory}
 * when the participant joins; every method is called on the room's loop.
 */
public interface ParticipantMedia {
    /** Called once after the join response was sent. Media marks the participant active when ready. */
    void start();

    /** Client offer on the publisher PC; answer with {@link SignalSink#sendAnswer} using the same id. */
    void onPublisherOffer(String sdp, int id);

    /** Client answer to our subscriber offer {@code id}. */
    void onSubscriberAnswer(String sdp, int id);

    /** Remote ICE candidate (RTCIceCandidateInit JSON); target 0 = publisher PC, 1 = subscriber PC. */
    void onTrickle(String candidateInit, int target);

    /** This participant is now subscribed to {@code track} of {@code publisher}: start forwarding. */
    void onTrackSubscribed(Participant publisher, TrackInfo track);

    /** Stop forwarding {@code trackSid} to this participant. */
    void onTrackUnsubscribed(String publisherSid, String trackSid);

    /** One of this participant's own tracks was muted or unmuted. */
    void onMute(String trackSid, boolean muted);

    /** One of this participant's own tracks was unpublished (stop receiving it). */
    void onTrackUnpublished(String trackSid);

    /**
     * Subscriber's view settings for tracks it receives (UpdateTrackSettings): {@code disabled} pauses
     * forwarding; quality 0 LOW .. 2 HIGH, 3 OFF; width/height/fps 0 when not given.
     */
    default void onTrackSettings(java.util.List<String> trackSids, boolean disabled, int quality, int width,
                                 int height, int fps) {
    }

    /**
     * The publisher changed the size of its published video track {@code trackSid}
     * (UpdateLocalVideoTrack): subscribers' width/height requests map to layers against the new size.
     */
    default void onTrackResized(String trackSid, int width, int height) {
    }

    /**
     * Whether this participant's media is connected (its primary peer connection came up, and not all of its
     * peer connections were closed since). A participant whose signalling WebSocket closes is kept for a
     * resume only while this holds; one without media is removed.
     */
    default boolean mediaConnected() {
        return false;
    }

    /**
     * The participant resumed its signalling on a new WebSocket (livekit-protocol.md 2.8) after the
     * reconnect response went out. The media ICE-restarts its subscriber PC, as LiveKit does on every
     * resume: a fresh offer (a new id, new ICE credentials) that also supersedes an offer sent into the dead
     * socket or held back while no socket was attached. {@code reason}: livekit.ReconnectReason. A throw
     * here ends the resume in a full reconnect (the signalling layer sends leave RECONNECT and removes the
     * participant).
     */
    default void onSignalResumed(int reason) {
    }

    /** Deliver an encoded livekit.DataPacket on the {@code _reliable} or {@code _lossy} channel. */
    void sendData(byte[] dataPacket, boolean reliable);

    /** Participant left: release transports. */
    void close();
}
