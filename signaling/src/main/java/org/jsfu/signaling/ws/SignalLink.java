package org.jsfu.signaling.ws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.room.DisconnectReason;
import org.jsfu.core.room.LeaveAction;
import org.jsfu.core.room.LocalTrackUpdate;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantInfo;
import org.jsfu.core.room.ParticipantState;
import org.jsfu.core.room.PublishCodecs;
import org.jsfu.core.room.RequestResult;
import org.jsfu.core.room.RoomInfo;
import org.jsfu.core.room.SignalSink;
import org.jsfu.core.room.SpeakerInfo;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.signaling.ClientIceServer;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.SignalingSettings;
import org.jsfu.signaling.proto.ProtoMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's signal sink for its whole life, across WebSocket sessions (LiveKit's resume,
 * livekit-protocol.md 2.8). The room talks to the link; the link hands each message to the attached
 * {@link SignalSession}, or, while none is attached (the socket closed without leave and the media is
 * still connected), holds it for the resume:
 * <ul>
 * <li>participant updates are coalesced by sid (the latest info wins) and speaker changes by sid, room
 *     updates keep the latest: they go out with the resume's {@code update} / {@code room_update}, so a
 *     busy room cannot fill the queue;</li>
 * <li>subscriber offers are dropped: the media re-offers with a new id on resume
 *     ({@link org.jsfu.core.room.ParticipantMedia#onSignalResumed});</li>
 * <li>everything else (track_published, track_unpublished, mute, track_subscribed, request_response,
 *     answers...) is queued in order, at most {@link #MAX_QUEUED}. Past that the queue is dropped and the
 *     link marked overflowed: the resume is then refused with leave STATE_MISMATCH / RECONNECT, and the
 *     client rejoins with a full state (its old participant is replaced as DUPLICATE_IDENTITY), which is
 *     safe where silently lost messages would not be.</li>
 * </ul>
 * A detached link disconnects its participant (SIGNAL_CLOSE) when no resume arrives within the resume
 * window. Every method runs on the room's loop.
 */
public final class SignalLink implements SignalSink {
    private static final Logger log = LoggerFactory.getLogger(SignalLink.class);
    /** Queued messages at most while detached (updates, speakers and room updates are coalesced apart). */
    public static final int MAX_QUEUED = 256;
    /** Departures (DISCONNECTED updates) remembered for a resume, at most. */
    static final int MAX_DEPARTURES = 64;

    private final JoinValidator.Result join;
    private final SignalingSettings settings;
    private Participant participant;
    private SignalSession session;
    private final ArrayDeque<LivekitRtc.SignalResponse> queue = new ArrayDeque<>();
    private final Map<String, ParticipantInfo> heldUpdates = new LinkedHashMap<>();
    private final Map<String, SpeakerInfo> heldSpeakers = new LinkedHashMap<>();
    /**
     * The latest departures of other participants, sent or not: a socket that died unnoticed (no FIN, the
     * client resumes after its ping timeout) swallowed what was written to it, and a participant that
     * left meanwhile would stay on the client for good. The resume's update repeats them.
     */
    private final Map<String, ParticipantInfo> departures = new LinkedHashMap<>(); // by sid, oldest first
    private boolean overflowed;
    private boolean closed;
    private ScheduledFuture<?> resumeTimer;
    /** While detached: the next check that the media is still there ({@link #watchMedia}). */
    private ScheduledFuture<?> mediaWatch;
    static final long MEDIA_WATCH_MS = 1000;

    SignalLink(SignalSession first, JoinValidator.Result join, SignalingSettings settings) {
        this.session = first;
        this.join = join;
        this.settings = settings;
    }

    /** Set once the room accepted the join. */
    void bind(Participant p) {
        this.participant = p;
    }

    /** The session currently attached, or null while detached. */
    SignalSession session() {
        return session;
    }

    /**
     * The socket of {@code s} closed without leave. Returns true when the participant is kept for a resume
     * (its media is connected and {@code s} is the attached session); false when the caller must
     * disconnect it (or it is gone / already resumed elsewhere, in which case nothing is to be done).
     */
    boolean detach(SignalSession s) {
        if (session != s || closed) {
            return session != s; // a replaced session: the participant lives on with its new one
        }
        Participant p = participant;
        if (p == null || p.state() == ParticipantState.DISCONNECTED || !p.media().mediaConnected()) {
            return false;
        }
        session = null;
        long window = settings.resumeWindowMs();
        resumeTimer = p.room().loop().schedule(this::resumeWindowOver, window);
        mediaWatch = p.room().loop().schedule(this::watchMedia, MEDIA_WATCH_MS);
        log.info("signal closed, participant kept for resume room={} identity={} sid={} windowMs={}",
                p.room().name(), p.identity(), p.sid(), window);
        return true;
    }

    /**
     * While detached, once a second: a participant whose media went away meanwhile (the browser closed its
     * peer connections after, or just before, its socket: their close_notify may arrive after the close) has
     * nothing to resume and leaves now rather than at the end of the window. A PC that just goes silent is
     * removed by its ICE consent timeout (PeerTransport), as before.
     */
    private void watchMedia() {
        mediaWatch = null;
        Participant p = participant;
        if (session != null || closed || p == null || p.state() == ParticipantState.DISCONNECTED) {
            return;
        }
        if (!p.media().mediaConnected()) {
            log.info("media gone while waiting for a resume, disconnecting room={} identity={} sid={}",
                    p.room().name(), p.identity(), p.sid());
            p.disconnect(DisconnectReason.SIGNAL_CLOSE, false);
            return;
        }
        mediaWatch = p.room().loop().schedule(this::watchMedia, MEDIA_WATCH_MS);
    }

    private void resumeWindowOver() {
        Participant p = participant;
        resumeTimer = null;
        if (session != null || closed || p == null || p.state() == ParticipantState.DISCONNECTED) {
            return;
        }
        log.info("no resume within the window, disconnecting room={} identity={} sid={}", p.room().name(),
                p.identity(), p.sid());
        p.disconnect(DisconnectReason.SIGNAL_CLOSE, false);
    }

    /** Cancels the resume window and the media watch of a detached link (resumed, or closed). */
    private void cancelDetachedTimers() {
        if (resumeTimer != null) {
            resumeTimer.cancel(false);
            resumeTimer = null;
        }
        if (mediaWatch != null) {
            mediaWatch.cancel(false);
            mediaWatch = null;
        }
    }

    /** Whether the participant waits for a resume (no socket attached); on the room loop. */
    public boolean detached() {
        return session == null && !closed;
    }

    /** Whether a resume may take this link over (not closed, nothing lost). */
    boolean resumable() {
        return !closed && !overflowed;
    }

    /**
     * A resume: {@code s} becomes the participant's signal. Sends, in this order, {@code reconnect}, an
     * {@code update} with the room's participants (plus those that left while detached, DISCONNECTED), a
     * {@code room_update}, the held speaker changes and the queued messages; then tells the media. An old
     * session still attached (the client resumed after its ping timeout) is closed without disconnecting.
     */
    void resume(SignalSession s, Participant p, int reason) {
        participant = p;
        cancelDetachedTimers();
        SignalSession old = session;
        session = s;
        if (old != null && old != s) {
            old.closeReplaced();
        }
        s.send(LivekitRtc.SignalResponse.newBuilder().setReconnect(LivekitRtc.ReconnectResponse.newBuilder()
                .setServerInfo(serverInfo())
                .addAllIceServers(iceServers(p.sid()))
                .setLastMessageSeq((int) p.lastReliableSequence())).build());
        // departures of identities not in the room now first (one that rejoined must not be removed after its
        // new session is announced: the client keys participants by identity), then what changed while
        // detached, in order, then everybody as they are now
        List<Participant> present = p.room().participants();
        java.util.Set<String> presentIdentities = new java.util.HashSet<>();
        present.forEach(q -> presentIdentities.add(q.identity()));
        Map<String, ParticipantInfo> infos = new LinkedHashMap<>();
        for (ParticipantInfo d : departures.values()) {
            if (!presentIdentities.contains(d.identity())) {
                infos.put(d.sid(), d);
            }
        }
        infos.putAll(heldUpdates);
        heldUpdates.clear();
        for (Participant q : present) {
            if (q == p || !q.hidden()) {
                infos.put(q.sid(), q.info());
            }
        }
        sendParticipantUpdate(new ArrayList<>(infos.values()));
        sendRoomUpdate(p.room().info());
        if (!heldSpeakers.isEmpty()) {
            List<SpeakerInfo> speakers = new ArrayList<>(heldSpeakers.values());
            heldSpeakers.clear();
            sendSpeakersChanged(speakers);
        }
        List<LivekitRtc.SignalResponse> held = new ArrayList<>(queue);
        queue.clear();
        for (LivekitRtc.SignalResponse m : held) {
            deliver(m); // held again if the new socket is already gone
        }
        int queued = held.size();
        log.info("participant resumed room={} identity={} sid={} reason={} queued={} replacedOpenSocket={}",
                p.room().name(), p.identity(), p.sid(), reason, queued, old != null);
        p.media().onSignalResumed(reason);
    }

    /**
     * Whether messages go out now: a session is attached and its socket is open. A socket that closed but
     * whose close has not reached {@link #detach} yet already holds messages, so they are not lost.
     */
    private boolean sending() {
        return session != null && session.isOpen();
    }

    private void deliver(LivekitRtc.SignalResponse msg) {
        SignalSession s = session;
        if (s != null && s.isOpen()) {
            s.send(msg);
            return;
        }
        if (closed || overflowed) {
            return;
        }
        if (queue.size() >= MAX_QUEUED) {
            overflowed = true;
            queue.clear();
            heldUpdates.clear();
            heldSpeakers.clear();
            log.warn("signal queue overflow while detached, a resume will be refused identity={}",
                    join.grants().identity());
            return;
        }
        queue.add(msg);
    }

    private static LivekitModels.ServerInfo.Builder serverInfo() {
        return LivekitModels.ServerInfo.newBuilder()
                .setEdition(LivekitModels.ServerInfo.Edition.Standard)
                .setVersion(SignalingSettings.SERVER_VERSION)
                .setProtocol(SignalingSettings.PROTOCOL);
    }

    /** rtc.turn_servers and rtc.stun_servers, with TURN credentials made for this participant now. */
    private List<LivekitRtc.ICEServer> iceServers(String participantSid) {
        long now = System.currentTimeMillis() / 1000;
        List<LivekitRtc.ICEServer> out = new ArrayList<>();
        for (ClientIceServer ice : settings.iceServers()) {
            ClientIceServer.Credentials c = ice.credentialsFor(participantSid, now);
            out.add(LivekitRtc.ICEServer.newBuilder().addAllUrls(ice.urls())
                    .setUsername(c.username()).setCredential(c.credential()).build());
        }
        return out;
    }

    private static LivekitRtc.SignalResponse.Builder resp() {
        return LivekitRtc.SignalResponse.newBuilder();
    }

    // ---- SignalSink ----

    @Override
    public void sendJoin(RoomInfo room, ParticipantInfo self, List<ParticipantInfo> others,
                         List<PublishCodecs.Enabled> publishCodecs) {
        Grants g = join.grants();
        LivekitRtc.JoinResponse.Builder b = LivekitRtc.JoinResponse.newBuilder()
                .setRoom(ProtoMapper.room(room))
                .setParticipant(ProtoMapper.participant(self))
                .setServerVersion(SignalingSettings.SERVER_VERSION)
                .setServerInfo(serverInfo())
                .setSubscriberPrimary(join.join().client().protocol() > 2 && g.canSubscribe())
                .setFastPublish(g.canPublish())
                .setPingInterval(settings.pingIntervalS())
                .setPingTimeout(settings.pingTimeoutS());
        b.addAllIceServers(iceServers(self.sid()));
        for (ParticipantInfo o : others) {
            b.addOtherParticipants(ProtoMapper.participant(o));
        }
        // as LiveKit: the room's enabled codecs (here: those the media plane forwards), VP8 first; with them
        // livekit-client picks a codec the server takes before it asks, and offers without awaiting the answer
        for (PublishCodecs.Enabled c : publishCodecs) {
            b.addEnabledPublishCodecs(LivekitModels.Codec.newBuilder().setMime(c.mime()).setFmtpLine(c.fmtpLine()));
        }
        deliver(resp().setJoin(b).build());
    }

    @Override
    public void sendParticipantUpdate(List<ParticipantInfo> participants) {
        for (ParticipantInfo i : participants) {
            if (i.state() == ParticipantState.DISCONNECTED && (participant == null || !i.sid().equals(participant.sid()))
                    && departures.put(i.sid(), i) == null && departures.size() > MAX_DEPARTURES) {
                departures.remove(departures.keySet().iterator().next());
            }
        }
        if (!sending() && !closed) {
            for (ParticipantInfo i : participants) {
                heldUpdates.remove(i.sid()); // re-inserted last: the resume's update keeps the order of change
                heldUpdates.put(i.sid(), i);
            }
            return;
        }
        LivekitRtc.ParticipantUpdate.Builder u = LivekitRtc.ParticipantUpdate.newBuilder();
        participants.forEach(p -> u.addParticipants(ProtoMapper.participant(p)));
        deliver(resp().setUpdate(u).build());
    }

    @Override
    public void sendTrackPublished(String cid, TrackInfo track) {
        deliver(resp().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder().setCid(cid)
                .setTrack(ProtoMapper.track(track))).build());
    }

    @Override
    public void sendTrackUnpublished(String trackSid) {
        deliver(resp().setTrackUnpublished(LivekitRtc.TrackUnpublishedResponse.newBuilder().setTrackSid(trackSid))
                .build());
    }

    @Override
    public void sendMute(String trackSid, boolean muted) {
        deliver(resp().setMute(LivekitRtc.MuteTrackRequest.newBuilder().setSid(trackSid).setMuted(muted)).build());
    }

    @Override
    public void sendLeave(DisconnectReason reason, LeaveAction action) {
        deliver(leave(reason, action));
    }

    static LivekitRtc.SignalResponse leave(DisconnectReason reason, LeaveAction action) {
        return resp().setLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setCanReconnect(action != LeaveAction.DISCONNECT)
                .setReasonValue(reason.wire)
                .setActionValue(action.ordinal())).build();
    }

    @Override
    public void sendRefreshToken(String token) {
        deliver(resp().setRefreshToken(token).build());
    }

    @Override
    public void sendRoomUpdate(RoomInfo room) {
        if (!sending() && !closed) {
            return; // the resume sends the room as it is then
        }
        deliver(resp().setRoomUpdate(LivekitRtc.RoomUpdate.newBuilder().setRoom(ProtoMapper.room(room))).build());
    }

    @Override
    public void sendSpeakersChanged(List<SpeakerInfo> speakers) {
        if (!sending() && !closed) {
            for (SpeakerInfo s : speakers) {
                heldSpeakers.put(s.sid(), s);
            }
            return;
        }
        LivekitRtc.SpeakersChanged.Builder b = LivekitRtc.SpeakersChanged.newBuilder();
        for (SpeakerInfo s : speakers) {
            b.addSpeakers(LivekitModels.SpeakerInfo.newBuilder().setSid(s.sid()).setLevel(s.level())
                    .setActive(s.active()));
        }
        deliver(resp().setSpeakersChanged(b).build());
    }

    @Override
    public void sendOffer(String sdp, int id, Map<String, String> midToTrackId) {
        if (!sending()) {
            return; // superseded by the offer the media sends on resume (ParticipantMedia.onSignalResumed)
        }
        deliver(resp().setOffer(LivekitRtc.SessionDescription.newBuilder().setType("offer").setSdp(sdp).setId(id)
                .putAllMidToTrackId(midToTrackId)).build());
    }

    @Override
    public void sendAnswer(String sdp, int id) {
        deliver(resp().setAnswer(LivekitRtc.SessionDescription.newBuilder().setType("answer").setSdp(sdp).setId(id))
                .build());
    }

    @Override
    public void sendTrickle(String candidateInit, int target, boolean last) {
        deliver(resp().setTrickle(LivekitRtc.TrickleRequest.newBuilder().setCandidateInit(candidateInit)
                .setTargetValue(target).setFinal(last)).build());
    }

    @Override
    public void sendTrackSubscribed(String trackSid) {
        deliver(resp().setTrackSubscribed(LivekitRtc.TrackSubscribed.newBuilder().setTrackSid(trackSid)).build());
    }

    @Override
    public void sendRequestResponse(int requestId, RequestResult result, String message) {
        deliver(resp().setRequestResponse(LivekitRtc.RequestResponse.newBuilder().setRequestId(requestId)
                .setReasonValue(result.ordinal()).setMessage(message)).build());
    }

    @Override
    public void sendTrackUpdateNotFound(LocalTrackUpdate update) {
        deliver(resp().setRequestResponse(ProtoMapper.trackUpdateNotFound(update)).build());
    }

    /** The participant is gone (after any leave): closes the attached socket; nothing is held any more. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        departures.clear();
        heldUpdates.clear();
        heldSpeakers.clear();
        cancelDetachedTimers();
        SignalSession s = session;
        if (s != null) {
            s.close();
        }
    }
}
