package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant of a room. Every method must be called on the room's {@link MediaLoop}
 * ({@code room.loop()}); other threads post to it.
 */
public final class Participant {
    private static final Logger log = LoggerFactory.getLogger(Participant.class);
    /** Most tracks announced (AddTrackRequest) and not yet published, as LiveKit's cMaxPendingTracks. */
    public static final int MAX_PENDING_TRACKS = 20;

    private final Room room;
    private final String sid;
    private final String identity;
    private final String kind;
    private final ClientInfo client;
    private final long joinedAtMs;
    private final SignalSink sink;
    private final Map<String, TrackInfo> pending = new LinkedHashMap<>();   // by cid
    private final Map<String, TrackInfo> published = new LinkedHashMap<>(); // by track sid
    private final Map<String, String> requestedVideoCodecs = new HashMap<>(); // cid -> AddTrack.videoCodec
    private final Set<String> subscribed = new HashSet<>();                 // track sids
    private String name;
    private String metadata;
    private Map<String, String> attributes;
    private Permission permission;
    private ParticipantState state = ParticipantState.JOINING;
    private DisconnectReason disconnectReason = DisconnectReason.UNKNOWN_REASON;
    private long version;
    private long trackVersion;
    private ParticipantMedia media;
    /** The highest DataPacket.sequence received on the reliable channel (ReconnectResponse.last_message_seq). */
    private long lastReliableSequence;

    Participant(Room room, String sid, JoinRequest req, SignalSink sink, long nowMs) {
        this.room = room;
        this.sid = sid;
        this.identity = req.identity();
        this.kind = req.kind() == null ? "standard" : req.kind();
        this.client = req.client() == null ? ClientInfo.unknown() : req.client();
        this.joinedAtMs = nowMs;
        this.sink = sink;
        this.name = req.name() == null ? "" : req.name();
        this.metadata = req.metadata() == null ? "" : req.metadata();
        this.attributes = new HashMap<>(req.attributes());
        this.permission = req.permission();
    }

    void attachMedia(ParticipantMedia m) { this.media = m; }

    public Room room() { return room; }

    public String sid() { return sid; }

    public String identity() { return identity; }

    public Permission permission() { return permission; }

    public ClientInfo client() { return client; }

    public ParticipantState state() { return state; }

    public SignalSink sink() { return sink; }

    public ParticipantMedia media() { return media; }

    public boolean hidden() { return permission.hidden(); }

    public boolean isPublisher() { return !published.isEmpty(); }

    public Collection<TrackInfo> publishedTracks() { return List.copyOf(published.values()); }

    public TrackInfo publishedTrack(String trackSid) { return published.get(trackSid); }

    /** Track sids this participant is subscribed to. */
    public Set<String> subscriptions() { return Set.copyOf(subscribed); }

    Set<String> subscribedMutable() { return subscribed; }

    public ParticipantInfo info() {
        room.checkLoop();
        return new ParticipantInfo(sid, identity, name, metadata, attributes, state,
                new ArrayList<>(published.values()), joinedAtMs, version, permission, kind, !published.isEmpty(),
                client.clientProtocol(), disconnectReason);
    }

    /** Moves JOINED to ACTIVE (media calls this once the primary peer connection is up). */
    public void setActive() {
        room.checkLoop();
        if (state != ParticipantState.JOINED) {
            return;
        }
        state = ParticipantState.ACTIVE;
        version++;
        room.broadcast(this);
        room.participantActive(this);
    }

    void setJoined() {
        state = ParticipantState.JOINED;
    }

    void setDisconnected(DisconnectReason reason) {
        state = ParticipantState.DISCONNECTED;
        disconnectReason = reason;
        version++;
    }

    /**
     * Answers a client's AddTrackRequest: allocates a TR_ sid, remembers the track as pending until its
     * media starts and sends TrackPublishedResponse. Returns null (and sends nothing) when the grant does
     * not allow this source, as LiveKit does, and null with request_response LIMIT_EXCEEDED when
     * {@link #MAX_PENDING_TRACKS} tracks are already pending.
     */
    public TrackInfo addPendingTrack(AddTrack req) {
        room.checkLoop();
        if (!permission.mayPublish(req.source())) {
            log.warn("add track refused: no permission room={} identity={} source={}", room.name(), identity,
                    req.source());
            return null;
        }
        TrackInfo existing = pending.get(req.cid());
        if (existing == null && pending.size() >= MAX_PENDING_TRACKS) {
            log.info("add track refused: too many pending tracks room={} identity={} pending={}", room.name(),
                    identity, pending.size());
            sink.sendRequestResponse(0, RequestResult.LIMIT_EXCEEDED, "too many pending tracks");
            return null;
        }
        if (existing == null) {
            existing = newTrack(req);
            pending.put(req.cid(), existing);
            TrackCodec primary = existing.codecs().isEmpty() ? null : existing.codecs().get(0);
            if (req.type() == TrackType.VIDEO && primary != null && !primary.mimeType().isEmpty()) {
                // the answer chooses the codec the server named (after any fallback), as LiveKit does
                requestedVideoCodecs.put(req.cid(), primary.mimeType().substring(primary.mimeType().indexOf('/') + 1));
            }
        }
        sink.sendTrackPublished(req.cid(), existing);
        return existing;
    }

    /**
     * The pending TrackInfo for a request, filled as LiveKit does: codecs from simulcast_codecs with the
     * server's fallback for a codec it does not accept ({@link PublishCodecs#trackCodecs}), layers sorted
     * by quality, audio features sorted and deduplicated with TF_STEREO / TF_NO_DTX added for the deprecated booleans, an audio
     * track's backup codec policy PREFER_REGRESSION turned into SIMULCAST, simulcast when the primary codec
     * has several layers and is not SVC. The MIME type and mid stay empty until the media is negotiated.
     */
    private TrackInfo newTrack(AddTrack req) {
        List<TrackCodec> codecs = room.manager().defaults().publishCodecs().trackCodecs(req);
        List<Integer> features = TrackInfo.distinctFeatures(req.audioFeatures());
        if (req.stereo() && !features.contains(TrackInfo.TF_STEREO)) {
            features.add(TrackInfo.TF_STEREO);
        }
        if (req.disableDtx() && !features.contains(TrackInfo.TF_NO_DTX)) {
            features.add(TrackInfo.TF_NO_DTX);
        }
        int backup = req.backupCodecPolicy();
        if (req.type() == TrackType.AUDIO && backup != TrackInfo.BACKUP_REGRESSION) {
            backup = TrackInfo.BACKUP_SIMULCAST;
        }
        boolean simulcast = req.simulcast();
        if (!req.simulcastCodecs().isEmpty() && !codecs.isEmpty() && !codecs.get(0).layers().isEmpty()) {
            TrackCodec primary = codecs.get(0);
            simulcast = primary.videoLayerMode() != TrackCodec.MULTIPLE_SPATIAL_LAYERS_PER_STREAM
                    && primary.layers().size() > 1;
        }
        List<VideoLayer> layers = new ArrayList<>(req.layers());
        layers.sort(java.util.Comparator.comparingInt(VideoLayer::quality));
        return new TrackInfo(Sids.track(), req.cid(), req.type(), req.name(), req.muted(), req.width(),
                req.height(), req.source(), "", "", simulcast, req.disableDtx(), req.stereo(),
                req.disableRed(), req.stream(), req.encryption(), ++trackVersion, codecs, layers, features, backup);
    }

    /** Tracks announced with AddTrackRequest whose media has not started yet. */
    public List<TrackInfo> pendingTracks() {
        room.checkLoop();
        return List.copyOf(pending.values());
    }

    /**
     * The video codec each pending or published track asked for in its AddTrackRequest, by cid: the
     * publisher answer keeps choosing it across renegotiations.
     */
    public Map<String, String> requestedVideoCodecs() {
        room.checkLoop();
        return Map.copyOf(requestedVideoCodecs);
    }

    /** The pending track for a client track id (the second msid token), or null. */
    public TrackInfo pendingTrack(String cid) {
        room.checkLoop();
        return pending.get(cid);
    }

    /**
     * Media calls this when the pending track {@code cid} receives media: the track becomes published,
     * everybody gets an update, listeners run (webhook, auto-subscribe). Returns null if no such pending
     * track.
     */
    public TrackInfo publishPendingTrack(String cid, String mid, String mimeType) {
        room.checkLoop();
        TrackInfo t = pending.remove(cid);
        if (t == null) {
            return null;
        }
        TrackInfo pub = t.published(mid, mimeType, ++trackVersion);
        published.put(pub.sid(), pub);
        version++;
        room.broadcast(this);
        room.trackPublished(this, pub);
        return pub;
    }

    /**
     * A simulcast layer's SSRC, learnt from its first packet ({@link TrackInfo#withLayerSsrc}). A pending
     * track takes it silently (it goes out with the publication); a published one is broadcast to everybody,
     * the publisher included, as LiveKit does for a layer that arrives after its track was published (its
     * track-updated path). Returns the track's info, or null when unknown.
     */
    public TrackInfo setLayerSsrc(String trackSid, String mime, String rid, int quality, long ssrc) {
        return updateTrack(trackSid, t -> t.withLayerSsrc(mime, rid, quality, ssrc), true);
    }

    /**
     * The RTX SSRC of the layer whose SSRC is {@code ssrc}, learnt from its first retransmission
     * ({@link TrackInfo#withLayerRepairSsrc}). Kept without a broadcast of its own, as LiveKit does: it goes
     * out with the next participant update. Returns the track's info, or null when unknown.
     */
    public TrackInfo setLayerRepairSsrc(String trackSid, long ssrc, long repairSsrc) {
        return updateTrack(trackSid, t -> t.withLayerRepairSsrc(ssrc, repairSsrc), false);
    }

    /**
     * Applies {@code change} to the published or pending track {@code trackSid}; a changed published track
     * bumps the version and, with {@code broadcast}, goes to everybody. Returns the new info, or null when
     * no such track.
     */
    private TrackInfo updateTrack(String trackSid, UnaryOperator<TrackInfo> change, boolean broadcast) {
        room.checkLoop();
        TrackInfo t = published.get(trackSid);
        if (t != null) {
            TrackInfo nt = change.apply(t);
            if (nt != t) {
                published.put(trackSid, nt);
                if (broadcast) {
                    version++;
                    room.broadcast(this);
                }
            }
            return nt;
        }
        for (TrackInfo p : pending.values()) {
            if (p.sid().equals(trackSid)) {
                TrackInfo np = change.apply(p);
                pending.put(p.cid(), np);
                return np;
            }
        }
        return null;
    }

    /**
     * Removes a published track. {@code tellPublisher}: send track_unpublished to this participant (the
     * server or an admin removed it; a client-side unpublish needs no echo).
     */
    public TrackInfo unpublishTrack(String trackSid, boolean tellPublisher) {
        room.checkLoop();
        TrackInfo t = published.remove(trackSid);
        if (t == null) {
            return null;
        }
        if (t.cid() != null) {
            requestedVideoCodecs.remove(t.cid());
        }
        version++;
        if (media != null) {
            media.onTrackUnpublished(trackSid);
        }
        room.trackUnpublished(this, t);
        if (tellPublisher) {
            sink.sendTrackUnpublished(trackSid);
        }
        room.broadcast(this);
        return t;
    }

    /**
     * Mutes or unmutes a published (or pending) track. {@code askClient}: the request came from the server
     * API, so the publisher is told to mute its local track as well. Returns the new TrackInfo or null.
     */
    public TrackInfo setTrackMuted(String trackSid, boolean muted, boolean askClient) {
        room.checkLoop();
        TrackInfo t = published.get(trackSid);
        if (t == null) {
            for (TrackInfo p : pending.values()) {
                if (p.sid().equals(trackSid)) {
                    TrackInfo np = p.withMuted(muted, ++trackVersion);
                    pending.put(p.cid(), np);
                    if (askClient) {
                        sink.sendMute(trackSid, muted);
                    }
                    return np;
                }
            }
            return null;
        }
        if (askClient) {
            sink.sendMute(trackSid, muted);
        }
        if (t.muted() == muted) {
            return t;
        }
        TrackInfo nt = t.withMuted(muted, ++trackVersion);
        published.put(trackSid, nt);
        version++;
        if (media != null) {
            media.onMute(trackSid, muted);
        }
        room.broadcast(this);
        return nt;
    }

    /**
     * UpdateLocalAudioTrack / UpdateLocalVideoTrack from the publisher, as LiveKit handles them. A published
     * track of the matching kind takes the new audio features (TF_STEREO / TF_NO_DTX also set stereo /
     * disable_dtx) or size; for any published track the participant's info is then broadcast to everybody,
     * the publisher included (LiveKit's track-updated path; no webhook). A pending track takes the change
     * silently (it shows in its TrackInfo once published). An unknown sid gets
     * {@link SignalSink#sendTrackUpdateNotFound}. Returns the track's new info, or null when unknown.
     */
    public TrackInfo updateLocalTrack(LocalTrackUpdate u) {
        room.checkLoop();
        TrackInfo t = published.get(u.trackSid());
        if (t != null) {
            TrackInfo nt = t;
            if (u.video() && t.type() == TrackType.VIDEO && (t.width() != u.width() || t.height() != u.height())) {
                nt = t.withSize(u.width(), u.height(), ++trackVersion);
                if (media != null) {
                    media.onTrackResized(nt.sid(), nt.width(), nt.height());
                }
            } else if (!u.video() && t.type() == TrackType.AUDIO) {
                TrackInfo candidate = t.withAudioFeatures(u.audioFeatures(), t.version());
                if (!candidate.equals(t)) {
                    nt = t.withAudioFeatures(u.audioFeatures(), ++trackVersion);
                }
            }
            published.put(nt.sid(), nt);
            version++;
            room.broadcast(this);
            return nt;
        }
        for (TrackInfo p : pending.values()) {
            if (p.sid().equals(u.trackSid())) {
                TrackInfo np = u.video() ? p.withSize(u.width(), u.height(), p.version())
                        : p.withAudioFeatures(u.audioFeatures(), p.version());
                pending.put(p.cid(), np);
                return np;
            }
        }
        log.info("track update for an unknown track room={} identity={} track={}", room.name(), identity,
                u.trackSid());
        sink.sendTrackUpdateNotFound(u);
        return null;
    }

    /** Changes name / metadata / attributes; null leaves a field as is. Broadcasts when anything changed. */
    public void updateMetadata(String newName, String newMetadata, Map<String, String> newAttributes) {
        room.checkLoop();
        boolean changed = false;
        if (newName != null && !newName.equals(name)) {
            name = newName;
            changed = true;
        }
        if (newMetadata != null && !newMetadata.equals(metadata)) {
            metadata = newMetadata;
            changed = true;
        }
        if (newAttributes != null && !newAttributes.isEmpty()) {
            for (Map.Entry<String, String> e : newAttributes.entrySet()) {
                // LiveKit: an empty value deletes the attribute
                String prev = e.getValue().isEmpty() ? attributes.remove(e.getKey())
                        : attributes.put(e.getKey(), e.getValue());
                changed |= !e.getValue().equals(prev == null ? "" : prev);
            }
        }
        if (changed) {
            version++;
            room.broadcast(this);
        }
    }

    /** Replaces the permission (UpdateParticipant). Revoking canPublish unpublishes every track. */
    public void setPermission(Permission p) {
        room.checkLoop();
        if (p == null || p.equals(permission)) {
            return;
        }
        permission = p;
        version++;
        if (!p.canPublish()) {
            pending.clear();
            for (String trackSid : List.copyOf(published.keySet())) {
                unpublishTrack(trackSid, true);
            }
        }
        if (!p.canSubscribe()) {
            room.unsubscribeAll(this);
        }
        room.broadcast(this);
    }

    /**
     * A data packet this participant sent on {@code _reliable}/{@code _lossy} (media calls this on the
     * loop). Dropped without canPublishData or when the router refuses it; otherwise forwarded, with the
     * sender stamped by the server, to its destinations. Returns how many participants got it.
     */
    public int onClientData(byte[] raw, int off, int len, boolean reliable) {
        room.checkLoop();
        DataPacketRouter router = room.manager().dataRouter();
        if (!permission.canPublishData() || router == null) {
            return 0;
        }
        DataPacketRouter.Routed r = router.route(raw, off, len, sid, identity);
        if (r == null) {
            return 0;
        }
        if (reliable && r.sequence() > lastReliableSequence) {
            lastReliableSequence = r.sequence();
        }
        return room.sendData(r.packet(), reliable, r.destSids(), r.destIdentities(), sid);
    }

    /**
     * The highest DataPacket.sequence this participant sent on the reliable channel that the server
     * accepted, 0 when none: a resume's last_message_seq, after which livekit-client resends its buffer.
     */
    public long lastReliableSequence() {
        room.checkLoop();
        return lastReliableSequence;
    }

    /** Disconnects this participant: sends leave when {@code sendLeave}, then removes it from the room. */
    public void disconnect(DisconnectReason reason, boolean sendLeave) {
        room.checkLoop();
        room.removeParticipant(this, reason, sendLeave);
    }

    /** Unpublishes everything without per-track broadcasts (the participant is leaving). */
    void dropTracksOnLeave() {
        pending.clear();
        for (TrackInfo t : List.copyOf(published.values())) {
            published.remove(t.sid());
            if (media != null) {
                media.onTrackUnpublished(t.sid());
            }
            room.trackUnpublished(this, t);
        }
    }

    @Override
    public String toString() {
        return "Participant[" + sid + " " + identity + "]";
    }
}
