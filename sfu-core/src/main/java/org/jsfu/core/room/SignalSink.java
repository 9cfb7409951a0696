package org.jsfu.core.room;

import java.util.List;
import java.util.Map;

/**
 * Messages from the room to one participant's signalling connection. Called on the room's loop;
 * implementations must not block (they queue onto their own connection). Core records only; the
 * signalling module maps them to livekit.SignalResponse.
 */
public interface SignalSink {
    /**
     * The first message: room, the participant itself (with permission), the visible others and the codecs
     * it may publish (JoinResponse.enabled_publish_codecs: {@link PublishCodecs#entries()}, in fallback order).
     */
    void sendJoin(RoomInfo room, ParticipantInfo self, List<ParticipantInfo> others,
                  List<PublishCodecs.Enabled> publishCodecs);

    void sendParticipantUpdate(List<ParticipantInfo> participants);

    /** Answer to AddTrackRequest {@code cid}. */
    void sendTrackPublished(String cid, TrackInfo track);

    /** The server removed the participant's own track. */
    void sendTrackUnpublished(String trackSid);

    /** Asks the publisher to mute or unmute its own track. */
    void sendMute(String trackSid, boolean muted);

    /** Tells the client to leave (or to reconnect / resume, by {@code action}). */
    void sendLeave(DisconnectReason reason, LeaveAction action);

    void sendRefreshToken(String token);

    void sendRoomUpdate(RoomInfo room);

    void sendSpeakersChanged(List<SpeakerInfo> speakers);

    /** Server offer on the subscriber peer connection. */
    void sendOffer(String sdp, int id, Map<String, String> midToTrackId);

    /** Answer to a publisher offer; {@code id} echoes the offer's id. */
    void sendAnswer(String sdp, int id);

    /** {@code target}: 0 = publisher PC, 1 = subscriber PC (livekit.SignalTarget). */
    void sendTrickle(String candidateInit, int target, boolean last);

    /** The publisher's track got its first subscriber. */
    void sendTrackSubscribed(String trackSid);

    /** Result of a client request that carried a request id (e.g. update_metadata). */
    void sendRequestResponse(int requestId, RequestResult result, String message);

    /**
     * An UpdateLocalAudioTrack / UpdateLocalVideoTrack named a track this participant neither publishes nor
     * announced: LiveKit answers request_response NOT_FOUND carrying the request.
     */
    void sendTrackUpdateNotFound(LocalTrackUpdate update);

    /** Closes the signalling connection (after a leave). */
    void close();
}
