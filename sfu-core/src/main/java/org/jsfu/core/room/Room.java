package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room and its participants. Pinned to one {@link MediaLoop} at creation; every method except
 * {@link #name()}, {@link #sid()} and {@link #loop()} must run on that loop.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final RoomManager manager;
    private final MediaLoop loop;
    private final LongSupplier clock;
    private final String sid;
    private final String name;
    private final int emptyTimeout;
    private final int departureTimeout;
    private final int maxParticipants;
    private final long creationTimeMs;
    private final RoomEgress egress;
    private final Map<String, Participant> byIdentity = new LinkedHashMap<>();
    private String metadata;
    private boolean everJoined;
    private boolean closed;
    private ScheduledFuture<?> closeTimer;

    Room(RoomManager manager, MediaLoop loop, LongSupplier clock, String name, RoomOptions opts,
         RoomDefaults defaults) {
        this.manager = manager;
        this.loop = loop;
        this.clock = clock;
        this.sid = Sids.room();
        this.name = name;
        this.emptyTimeout = positiveOr(opts.emptyTimeout(), defaults.emptyTimeout());
        this.departureTimeout = positiveOr(opts.departureTimeout(), defaults.departureTimeout());
        this.maxParticipants = opts.maxParticipants() != null && opts.maxParticipants() > 0
                ? opts.maxParticipants() : defaults.maxParticipants();
        this.metadata = opts.metadata() == null ? "" : opts.metadata();
        this.egress = opts.egress();
        this.creationTimeMs = clock.getAsLong();
    }

    private static int positiveOr(Integer v, int dflt) {
        return v != null && v > 0 ? v : dflt;
    }

    public String sid() { return sid; }

    RoomManager manager() { return manager; }

    /** The codecs publishers in this room may use (room.enabled_codecs restricted to the forwarded ones). */
    public PublishCodecs publishCodecs() { return manager.defaults().publishCodecs(); }

    public String name() { return name; }

    public MediaLoop loop() { return loop; }

    public RoomEgress egress() { return egress; }

    public boolean closed() { return closed; }

    void checkLoop() {
        if (!loop.inLoop()) {
            throw new IllegalStateException("room state touched off its loop: " + Thread.currentThread().getName());
        }
    }

    /** First task on the loop: arms the empty timeout and announces the room. */
    void start() {
        log.info("room started room={} sid={} loop={}", name, sid, loop.name());
        armCloseTimer(emptyTimeout);
        manager.listeners().forEach(l -> l.onRoomStarted(this));
    }

    public RoomInfo info() {
        checkLoop();
        int visible = 0;
        int publishers = 0;
        for (Participant p : byIdentity.values()) {
            if (!p.hidden()) {
                visible++;
            }
            if (p.isPublisher()) {
                publishers++;
            }
        }
        return new RoomInfo(sid, name, emptyTimeout, departureTimeout, maxParticipants, creationTimeMs, metadata,
                visible, publishers, false, egress);
    }

    public List<Participant> participants() {
        checkLoop();
        return List.copyOf(byIdentity.values());
    }

    public Participant participant(String identity) {
        checkLoop();
        return byIdentity.get(identity);
    }

    public Participant participantBySid(String participantSid) {
        checkLoop();
        for (Participant p : byIdentity.values()) {
            if (p.sid().equals(participantSid)) {
                return p;
            }
        }
        return null;
    }

    /** The participant publishing {@code trackSid}, or null. */
    public Participant publisherOf(String trackSid) {
        checkLoop();
        for (Participant p : byIdentity.values()) {
            if (p.publishedTrack(trackSid) != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * Adds a participant: replaces a session with the same identity (DUPLICATE_IDENTITY), enforces
     * max_participants, sends join, announces the newcomer and auto-subscribes it.
     */
    Participant join(JoinRequest req, SignalSink sink) {
        checkLoop();
        if (closed) {
            throw new RoomException(RoomException.Code.CLOSED, "room closed");
        }
        Participant old = byIdentity.get(req.identity());
        if (old != null) {
            log.info("duplicate identity replaces session room={} identity={} old={}", name, req.identity(), old.sid());
            removeParticipant(old, DisconnectReason.DUPLICATE_IDENTITY, true);
        }
        if (maxParticipants > 0 && byIdentity.size() >= maxParticipants) {
            throw new RoomException(RoomException.Code.LIMIT_EXCEEDED, "room is full");
        }
        Participant p = new Participant(this, Sids.participant(), req, sink, clock.getAsLong());
        byIdentity.put(p.identity(), p);
        everJoined = true;
        cancelCloseTimer();
        p.attachMedia(manager.mediaFactory().create(this, p));
        List<ParticipantInfo> others = new ArrayList<>();
        for (Participant q : byIdentity.values()) {
            if (q != p && !q.hidden()) {
                others.add(q.info());
            }
        }
        p.setJoined();
        sink.sendJoin(info(), p.info(), others, publishCodecs().entries());
        log.info("participant joined room={} identity={} sid={}", name, p.identity(), p.sid());
        broadcast(p);
        if (p.client().autoSubscribe()) {
            for (Participant q : byIdentity.values()) {
                if (q != p) {
                    for (TrackInfo t : q.publishedTracks()) {
                        subscribe(p, q, t);
                    }
                }
            }
        }
        p.media().start();
        return p;
    }

    /** Removes {@code p}: optional leave, unpublish, DISCONNECTED update to the others, webhooks. */
    void removeParticipant(Participant p, DisconnectReason reason, boolean sendLeave) {
        checkLoop();
        if (byIdentity.get(p.identity()) != p) {
            return;
        }
        boolean wasActive = p.state() == ParticipantState.ACTIVE;
        byIdentity.remove(p.identity());
        if (sendLeave) {
            p.sink().sendLeave(reason, LeaveAction.DISCONNECT);
        }
        unsubscribeAll(p);
        p.dropTracksOnLeave();
        p.setDisconnected(reason);
        p.media().close();
        p.sink().close();
        log.info("participant left room={} identity={} sid={} reason={}", name, p.identity(), p.sid(), reason);
        broadcast(p);
        manager.listeners().forEach(l -> l.onParticipantLeft(this, p, wasActive));
        if (byIdentity.isEmpty() && !closed) {
            armCloseTimer(departureTimeout);
        }
    }

    void participantActive(Participant p) {
        manager.listeners().forEach(l -> l.onParticipantJoined(this, p));
    }

    /** Sends {@code p}'s current info to itself and, unless hidden, to everybody else. */
    void broadcast(Participant p) {
        ParticipantInfo info = p.info();
        List<ParticipantInfo> one = List.of(info);
        for (Participant q : byIdentity.values()) {
            if (q == p || !p.hidden()) {
                q.sink().sendParticipantUpdate(one);
            }
        }
    }

    void trackPublished(Participant publisher, TrackInfo track) {
        manager.listeners().forEach(l -> l.onTrackPublished(this, publisher, track));
        for (Participant q : byIdentity.values()) {
            if (q != publisher && q.client().autoSubscribe()) {
                subscribe(q, publisher, track);
            }
        }
    }

    void trackUnpublished(Participant publisher, TrackInfo track) {
        for (Participant q : byIdentity.values()) {
            if (q.subscribedMutable().remove(track.sid())) {
                q.media().onTrackUnsubscribed(publisher.sid(), track.sid());
                notifySubscription(q, publisher, track, false);
            }
        }
        manager.listeners().forEach(l -> l.onTrackUnpublished(this, publisher, track));
    }

    /** Subscribes {@code subscriber} to {@code track}; false when not allowed or already subscribed. */
    public boolean subscribe(Participant subscriber, Participant publisher, TrackInfo track) {
        checkLoop();
        if (subscriber == publisher || !subscriber.permission().canSubscribe()
                || !subscriber.subscribedMutable().add(track.sid())) {
            return false;
        }
        boolean first = true;
        for (Participant q : byIdentity.values()) {
            if (q != subscriber && q.subscribedMutable().contains(track.sid())) {
                first = false;
                break;
            }
        }
        subscriber.media().onTrackSubscribed(publisher, track);
        if (first) {
            publisher.sink().sendTrackSubscribed(track.sid());
        }
        notifySubscription(subscriber, publisher, track, true);
        return true;
    }

    public boolean unsubscribe(Participant subscriber, String trackSid) {
        checkLoop();
        if (!subscriber.subscribedMutable().remove(trackSid)) {
            return false;
        }
        Participant publisher = publisherOf(trackSid);
        subscriber.media().onTrackUnsubscribed(publisher == null ? "" : publisher.sid(), trackSid);
        if (publisher != null) {
            notifySubscription(subscriber, publisher, publisher.publishedTrack(trackSid), false);
        }
        return true;
    }

    void unsubscribeAll(Participant subscriber) {
        for (String trackSid : List.copyOf(subscriber.subscribedMutable())) {
            unsubscribe(subscriber, trackSid);
        }
    }

    private void notifySubscription(Participant sub, Participant pub, TrackInfo t, boolean on) {
        manager.listeners().forEach(l -> l.onSubscriptionChanged(this, sub, pub, t, on));
    }

    /** UpdateSubscriptions / SignalRequest.subscription: (un)subscribe to tracks by sid. */
    public void updateSubscriptions(Participant subscriber, Collection<String> trackSids, boolean subscribe) {
        checkLoop();
        for (String trackSid : trackSids) {
            if (subscribe) {
                Participant pub = publisherOf(trackSid);
                if (pub != null) {
                    subscribe(subscriber, pub, pub.publishedTrack(trackSid));
                }
            } else {
                unsubscribe(subscriber, trackSid);
            }
        }
    }

    public void setMetadata(String newMetadata) {
        checkLoop();
        metadata = newMetadata == null ? "" : newMetadata;
        RoomInfo ri = info();
        for (Participant q : byIdentity.values()) {
            q.sink().sendRoomUpdate(ri);
        }
    }

    /** Sends speakers_changed (only the changes; active=false removes a speaker) to everybody. */
    public void sendSpeakersChanged(List<SpeakerInfo> changes) {
        checkLoop();
        for (Participant q : byIdentity.values()) {
            q.sink().sendSpeakersChanged(changes);
        }
    }

    /**
     * Delivers an encoded livekit.DataPacket to the participants named by sid or identity (everybody but
     * the sender when both lists are empty). Returns how many received it.
     */
    public int sendData(byte[] packet, boolean reliable, Collection<String> destSids,
                        Collection<String> destIdentities, String senderSid) {
        checkLoop();
        boolean all = destSids.isEmpty() && destIdentities.isEmpty();
        int n = 0;
        for (Participant q : byIdentity.values()) {
            if (q.sid().equals(senderSid)) {
                continue;
            }
            if (all || destSids.contains(q.sid()) || destIdentities.contains(q.identity())) {
                q.media().sendData(packet, reliable);
                n++;
            }
        }
        return n;
    }

    /** Closes the room: everybody gets leave with {@code reason}, room_finished fires. */
    public void close(DisconnectReason reason) {
        checkLoop();
        if (closed) {
            return;
        }
        closed = true;
        cancelCloseTimer();
        for (Participant p : List.copyOf(byIdentity.values())) {
            removeParticipant(p, reason, true);
        }
        cancelCloseTimer();
        manager.roomClosed(this);
        log.info("room finished room={} sid={}", name, sid);
        manager.listeners().forEach(l -> l.onRoomFinished(this));
    }

    private void armCloseTimer(int seconds) {
        cancelCloseTimer();
        closeTimer = loop.schedule(() -> {
            if (!closed && byIdentity.isEmpty()) {
                log.info("room idle timeout room={} everJoined={}", name, everJoined);
                close(DisconnectReason.ROOM_CLOSED);
            }
        }, seconds * 1000L);
    }

    private void cancelCloseTimer() {
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
    }
}
