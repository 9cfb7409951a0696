/**
 * Rooms, participants and tracks: the state the signalling and media planes share.
 *
 * <h2>Threads</h2>
 * Each {@link org.jsfu.core.room.Room} is pinned at creation to one {@link org.jsfu.core.room.MediaLoop}
 * (round robin over {@link org.jsfu.core.room.MediaLoops}, one per core). Room, participant and track
 * state is only touched on that loop ({@code Room.checkLoop()} throws otherwise); there are no locks.
 * Other threads use {@link org.jsfu.core.room.RoomManager} (futures) or {@code room.loop().post(...)}.
 *
 * <h2>Signalling side</h2>
 * {@code RoomManager.join(room, JoinRequest, SignalSink, mayCreate)} adds a participant; the room talks
 * back only through {@link org.jsfu.core.room.SignalSink} (core records; signalling maps them to
 * protobuf). Duplicate identities replace the old session (DUPLICATE_IDENTITY), max_participants,
 * empty_timeout (since creation, nobody joined) and departure_timeout (after the last leave) are
 * enforced here. {@link org.jsfu.core.room.RoomListener}s (webhooks, media, egress) get every event in
 * order on the loop.
 *
 * <h2>Media side</h2>
 * A {@link org.jsfu.core.room.MediaSessionFactory} given to the RoomManager creates one
 * {@link org.jsfu.core.room.ParticipantMedia} per participant. Signalling forwards offers, answers and
 * candidates to it; it answers through {@code participant.sink()} ({@code sendAnswer},
 * {@code sendOffer}, {@code sendTrickle}). When the primary peer connection is up it calls
 * {@code participant.setActive()} (participant_joined webhook). Publishing: the client's AddTrackRequest
 * becomes a pending track ({@code Participant.addPendingTrack}, TR_ sid, TrackPublishedResponse whose
 * codecs name the codec the server accepts: {@link org.jsfu.core.room.PublishCodecs}); the
 * media plane finds it by the second msid token ({@code pendingTrack(cid)}) and, on first RTP, calls
 * {@code publishPendingTrack(cid, mid, mimeType)}: the track joins ParticipantInfo.tracks, an update is
 * broadcast, track_published fires and every auto-subscribing participant with canSubscribe gets
 * {@code ParticipantMedia.onTrackSubscribed(publisher, track)} (then the media plane sends its offer;
 * the update was already sent, as the SDK requires). {@code unpublishTrack} reverses it
 * ({@code onTrackUnsubscribed} on subscribers, {@code onTrackUnpublished} on the publisher). Client
 * UpdateLocalAudioTrack / UpdateLocalVideoTrack go to {@code Participant.updateLocalTrack}. Client
 * data packets must be checked against {@code permission().canPublishData()} and forwarded with
 * {@code Room.sendData}.
 */
package org.jsfu.core.room;
