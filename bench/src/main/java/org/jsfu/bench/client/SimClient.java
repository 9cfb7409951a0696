package org.jsfu.bench.client;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Direction;
import org.jsfu.core.sdp.MediaSection;
import org.jsfu.core.sdp.Sdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A browser-free LiveKit participant on the v0 (dual peer connection) protocol, shaped like
 * livekit-client 2.23 in Chrome: it joins over the signalling WebSocket, answers the server's
 * subscriber offers, publishes opus-like audio through its own publisher offer, pings, and leaves.
 * Received tracks are counted per track ({@link TrackStats}).
 */
public final class SimClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Ticks of the media pacer: 50 packets per second per track. */
    public static final long PACKET_INTERVAL_MS = 20;

    /** livekit-client's ReconnectReason RR_SIGNAL_DISCONNECTED. */
    private static final int RR_SIGNAL_DISCONNECTED = 1;

    private final ClientContext ctx;
    private final InetAddress bind;
    // where and how it joined: a resume opens the same path again
    private volatile String wsBase;
    private volatile String token;
    private volatile boolean autoSubscribe;
    /** Completes with the first frame of a resumed WebSocket (reconnect, or leave when refused). */
    private volatile CompletableFuture<LivekitRtc.SignalResponse> resumed;
    private final long sessionId = RANDOM.nextLong() & Long.MAX_VALUE;
    private final String streamId = UUID.randomUUID().toString();
    private final CompletableFuture<LivekitRtc.JoinResponse> joined = new CompletableFuture<>();
    private final Map<String, CompletableFuture<LivekitModels.TrackInfo>> published = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Sdp>> answers = new ConcurrentHashMap<>();
    private final Map<String, LivekitModels.ParticipantInfo> participants = new ConcurrentHashMap<>();
    private final Set<String> unpublishedBySignal = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<LivekitRtc.LeaveRequest> leaveFromServer = new CompletableFuture<>();
    private final AtomicLong pongs = new AtomicLong();
    private final AtomicLong unknownSsrc = new AtomicLong();
    private final AtomicLong subscriberOffers = new AtomicLong();
    private volatile SignalClient signal;
    /**
     * Completes once the WebSocket is open; messages can arrive before {@code open} returns. A resume puts a new
     * one in place before it opens its socket.
     */
    private volatile CompletableFuture<SignalClient> signalReady = new CompletableFuture<>();
    private volatile ClientPeer pub;
    private volatile ClientPeer sub;
    private ScheduledFuture<?> pinger;

    // publisher state (caller's thread)
    private final List<ClientSdp.AudioSender> senders = new ArrayList<>();
    private final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();
    private int offerId;
    private int offerVersion = 1;

    // subscriber state: written by the signalling thread, read by the UDP thread
    private volatile TrackStats[] tracks = new TrackStats[0];
    private final Map<String, TrackStats> tracksByMid = new ConcurrentHashMap<>();
    private int answerVersion = 1;
    /** Guards the subscriber PC; separate from the publisher's lock so offers never wait on a publish. */
    private final Object subLock = new Object();
    private final CompletableFuture<ClientPeer> subCreated = new CompletableFuture<>();

    /** One published track: its RTP writer and pacing task. */
    public static final class Outgoing {
        public final String trackSid;
        public final String cid;
        public final AudioSource source;
        final int senderIndex;
        ScheduledFuture<?> task;
        private volatile boolean paused;

        Outgoing(String trackSid, String cid, AudioSource source, int senderIndex) {
            this.trackSid = trackSid;
            this.cid = cid;
            this.source = source;
            this.senderIndex = senderIndex;
        }

        /** Stops (true) or resumes sending packets; the track stays published and its PC connected. */
        public void pause(boolean p) {
            paused = p;
        }
    }

    private SimClient(ClientContext ctx, InetAddress bind) {
        this.ctx = ctx;
        this.bind = bind;
    }

    /** As {@link #connect(ClientContext, String, String, boolean, Duration)} with auto-subscribe on. */
    public static SimClient connect(ClientContext ctx, String wsBase, String token, Duration timeout)
            throws Exception {
        return connect(ctx, wsBase, token, true, timeout);
    }

    /**
     * Connects to {@code wsBase} (ws://host:port) with {@code token} and returns when livekit-client's
     * {@code room.connect()} would resolve: after the join response and, when the server made the
     * subscriber PC primary, once that PC is connected (ICE + DTLS). Then pings every ping_interval.
     * Subscriber offers are answered as they come.
     */
    public static SimClient connect(ClientContext ctx, String wsBase, String token, boolean autoSubscribe,
                                    Duration timeout) throws Exception {
        SimClient c = new SimClient(ctx, InetAddress.getLoopbackAddress());
        long deadline = System.nanoTime() + timeout.toNanos();
        c.wsBase = wsBase;
        c.token = token;
        c.autoSubscribe = autoSubscribe;
        try {
            c.signal = SignalClient.open(ctx.http, wsBase, token, autoSubscribe, c::onSignal, timeout);
            c.signalReady.complete(c.signal);
            LivekitRtc.JoinResponse join = c.joined.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            int interval = Math.max(1, join.getPingInterval());
            c.pinger = ctx.timers.scheduleAtFixedRate(c::ping, interval, interval, TimeUnit.SECONDS);
            if (join.getSubscriberPrimary()) {
                ClientPeer primary = c.subCreated.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                primary.connected().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            }
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    public LivekitRtc.JoinResponse join() {
        return joined.getNow(null);
    }

    public String sid() {
        return join().getParticipant().getSid();
    }

    public String identity() {
        return join().getParticipant().getIdentity();
    }

    private String identityOrSession() {
        LivekitRtc.JoinResponse j = joined.getNow(null);
        return j != null ? j.getParticipant().getIdentity() : Long.toString(sessionId);
    }

    // ---- signalling ------------------------------------------------------------------------------

    private void onSignal(LivekitRtc.SignalResponse r) {
        CompletableFuture<LivekitRtc.SignalResponse> res = resumed;
        if (res != null && !res.isDone()) {
            res.complete(r); // the first frame of a resume: reconnect, or leave when the server refuses it
        }
        switch (r.getMessageCase()) {
            case JOIN -> {
                for (LivekitModels.ParticipantInfo p : r.getJoin().getOtherParticipantsList()) {
                    participants.put(p.getSid(), p);
                }
                joined.complete(r.getJoin());
            }
            case OFFER -> onSubscriberOffer(r.getOffer());
            case ANSWER -> {
                CompletableFuture<Sdp> f = answers.remove(r.getAnswer().getId());
                if (f != null) {
                    f.complete(Sdp.parse(r.getAnswer().getSdp()));
                }
            }
            case TRACK_PUBLISHED -> {
                CompletableFuture<LivekitModels.TrackInfo> f = published.get(r.getTrackPublished().getCid());
                if (f != null) {
                    f.complete(r.getTrackPublished().getTrack());
                }
            }
            case UPDATE -> {
                for (LivekitModels.ParticipantInfo p : r.getUpdate().getParticipantsList()) {
                    participants.merge(p.getSid(), p, (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
                }
            }
            case TRACK_UNPUBLISHED -> unpublishedBySignal.add(r.getTrackUnpublished().getTrackSid());
            case LEAVE -> {
                log.info("sim leave from server identity={} reason={} action={}", identityOrSession(),
                        r.getLeave().getReason(), r.getLeave().getAction());
                leaveFromServer.complete(r.getLeave());
            }
            case PONG, PONG_RESP -> pongs.incrementAndGet();
            default -> { } // trickle (ICE-lite server: nothing to learn), speakers, quality, refresh_token, ...
        }
    }

    private void ping() {
        long now = System.currentTimeMillis();
        signal.send(LivekitRtc.SignalRequest.newBuilder().setPing(now).build());
        signal.send(LivekitRtc.SignalRequest.newBuilder()
                .setPingReq(LivekitRtc.Ping.newBuilder().setTimestamp(now).setRtt(0)).build());
    }

    // ---- subscriber PC -------------------------------------------------------------------------

    private void onSubscriberOffer(LivekitRtc.SessionDescription offer) {
        synchronized (subLock) {
            answerOffer(offer);
        }
    }

    private void answerOffer(LivekitRtc.SessionDescription offer) {
        try {
            subscriberOffers.incrementAndGet();
            Sdp sdp = Sdp.parse(offer.getSdp());
            if (sub == null) {
                sub = new ClientPeer("sub:" + identityOrSession(), ctx, bind);
                sub.sink(this::onSubscribedRtp);
                subCreated.complete(sub);
            }
            String answer = ClientSdp.subscriberAnswer(sdp, sessionId, answerVersion++, sub.localIce().ufrag(),
                    sub.localIce().pwd(), sub.fingerprint());
            updateTracks(sdp, offer.getMidToTrackIdMap());
            LivekitRtc.SignalRequest req = LivekitRtc.SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription
                    .newBuilder().setType("answer").setSdp(answer).setId(offer.getId())).build();
            signalReady.thenAccept(s -> s.send(req)); // the socket open now, or the one a resume is opening
            MediaSection t = ClientSdp.transportSection(sdp);
            // RFC 8445 6.1.1: answering a full agent's offer we are controlled; an ICE-lite server never controls
            sub.start(ClientSdp.serverCandidate(sdp), sdp.iceUfrag(t), sdp.icePwd(t), sdp.fingerprint(t).value(),
                    sdp.iceLite());
        } catch (IOException | RuntimeException e) {
            log.warn("sim subscriber offer failed err={}", e.toString());
        }
    }

    private void updateTracks(Sdp sdp, Map<String, String> midToTrack) {
        List<TrackStats> next = new ArrayList<>(List.of(tracks));
        for (MediaSection m : sdp.media()) {
            if ("application".equals(m.media()) || m.mid() == null) {
                continue;
            }
            TrackStats known = tracksByMid.get(m.mid());
            boolean sending = !m.isRejected() && (m.direction() == Direction.SENDONLY
                    || m.direction() == Direction.SENDRECV);
            if (!sending) {
                if (known != null) {
                    known.markRemoved();
                }
                continue;
            }
            if (m.ssrcIds().isEmpty() || known != null && known.ssrc == m.ssrcIds().get(0)) {
                continue; // no stream, or the same track as before
            }
            // a new track, or one that took back an inactive m-line of an earlier track (new ssrc and msid)
            String trackSid = midToTrack.get(m.mid());
            if (trackSid == null && m.msid() != null) {
                trackSid = m.msid().track();
            }
            TrackStats ts = new TrackStats(trackSid, m.ssrcIds().get(0));
            tracksByMid.put(m.mid(), ts);
            next.add(ts);
        }
        tracks = next.toArray(new TrackStats[0]);
    }

    /** UDP thread. */
    private void onSubscribedRtp(RtpPacket p, int wireLength, long nowNanos) {
        long ssrc = p.ssrc() & 0xFFFFFFFFL;
        for (TrackStats t : tracks) {
            if (t.ssrc == ssrc) {
                t.onRtp(p, wireLength, nowNanos);
                return;
            }
        }
        unknownSsrc.incrementAndGet();
    }

    /** Every track the server offered on the subscriber PC so far, including removed ones. */
    public List<TrackStats> receivedTracks() {
        return List.of(tracks);
    }

    public TrackStats receivedTrack(String trackSid) {
        for (TrackStats t : tracks) {
            if (trackSid.equals(t.trackSid)) {
                return t;
            }
        }
        return null;
    }

    /** RTP on the subscriber PC whose SSRC no offer announced. */
    public long unknownSsrcPackets() {
        return unknownSsrc.get();
    }

    public long subscriberOffers() {
        return subscriberOffers.get();
    }

    // ---- publisher PC --------------------------------------------------------------------------

    /**
     * Publishes one microphone track as livekit-client does: AddTrackRequest, wait for
     * TrackPublishedResponse, then offer the new sendonly m-line and wait for the answer and for ICE
     * and DTLS. Starts sending 50 packets/s once connected. Returns the track.
     */
    public synchronized Outgoing publishAudio(String name, Duration timeout) throws Exception {
        String cid = UUID.randomUUID().toString();
        CompletableFuture<LivekitModels.TrackInfo> f = new CompletableFuture<>();
        published.put(cid, f);
        signal.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                .setCid(cid).setName(name).setType(LivekitModels.TrackType.AUDIO)
                .setSource(LivekitModels.TrackSource.MICROPHONE)).build());
        LivekitModels.TrackInfo info = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        published.remove(cid);
        if (pub == null) {
            pub = new ClientPeer("pub:" + identityOrSession(), ctx, bind);
        }
        String mid = Integer.toString(senders.size() + 1);
        int ssrc = RANDOM.nextInt() | 1;
        senders.add(new ClientSdp.AudioSender(mid, streamId, cid, ssrc & 0xFFFFFFFFL, true));
        Outgoing o = new Outgoing(info.getSid(), cid,
                new AudioSource(ssrc, mid, ClientSdp.EXT_MID, ClientSdp.EXT_AUDIO_LEVEL), senders.size() - 1);
        outgoing.put(info.getSid(), o);
        negotiatePublisher(timeout);
        pub.connected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        o.task = ctx.timers.scheduleAtFixedRate(() -> sendNext(o), 0, PACKET_INTERVAL_MS, TimeUnit.MILLISECONDS);
        return o;
    }

    private void sendNext(Outgoing o) {
        ClientPeer p = pub;
        if (p == null || o.paused) {
            return;
        }
        synchronized (o.source) {
            int n = o.source.next(System.nanoTime());
            p.sendRtp(o.source.buffer(), 0, n);
        }
    }

    /**
     * Unpublishes as livekit-client does: the transceiver stops sending and the publisher PC is
     * renegotiated (the m-line becomes inactive); the server infers the unpublish from the offer.
     */
    public synchronized void unpublish(String trackSid, Duration timeout) throws Exception {
        Outgoing o = outgoing.remove(trackSid);
        if (o == null) {
            throw new IllegalArgumentException("not published: " + trackSid);
        }
        o.task.cancel(false);
        ClientSdp.AudioSender s = senders.get(o.senderIndex);
        senders.set(o.senderIndex, new ClientSdp.AudioSender(s.mid(), s.streamId(), s.cid(), s.ssrc(), false));
        negotiatePublisher(timeout);
    }

    private void negotiatePublisher(Duration timeout) throws Exception {
        int id = ++offerId;
        String offer = ClientSdp.publisherOffer(sessionId, ++offerVersion, pub.localIce().ufrag(), pub.localIce().pwd(),
                pub.fingerprint(), streamId, senders);
        CompletableFuture<Sdp> answer = new CompletableFuture<>();
        answers.put(id, answer);
        signal.send(LivekitRtc.SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                .setType("offer").setSdp(offer).setId(id)).build());
        Sdp a = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        MediaSection t = ClientSdp.transportSection(a);
        pub.start(ClientSdp.serverCandidate(a), a.iceUfrag(t), a.icePwd(t), a.fingerprint(t).value());
    }

    /** A published track by sid (null once unpublished). */
    public Outgoing outgoing(String trackSid) {
        return outgoing.get(trackSid);
    }

    public ClientPeer publisherPeer() {
        return pub;
    }

    public ClientPeer subscriberPeer() {
        return sub;
    }

    // ---- room view -----------------------------------------------------------------------------

    /** The latest ParticipantInfo of each other participant (by version), from join and updates. */
    public Map<String, LivekitModels.ParticipantInfo> participants() {
        return Map.copyOf(participants);
    }

    /** Track sids the server reported through track_unpublished. */
    public Set<String> unpublishedBySignal() {
        return Set.copyOf(unpublishedBySignal);
    }

    public CompletableFuture<LivekitRtc.LeaveRequest> leaveFromServer() {
        return leaveFromServer;
    }

    public long pongs() {
        return pongs.get();
    }

    // ---- signal loss and resume (livekit-protocol.md 2.8) ------------------------------------------

    /**
     * The signalling WebSocket drops (no close handshake, no leave), as on a lost network; the peer connections
     * and the published tracks go on. {@link #resume} reconnects.
     */
    public void dropSignal() {
        signal.abort();
    }

    /**
     * Resumes as livekit-client does after a signal loss: a new WebSocket to the same path with
     * {@code reconnect=1&sid=<participant sid>&reconnect_reason=1} whose first frame must be {@code reconnect}
     * (a {@code leave} means the server refused: thrown); the server then ICE-restarts the subscriber PC with a
     * new offer, answered here as any offer (the peer restarts its checks with the new credentials), and the
     * publisher PC is renegotiated (an offer and its answer on the new socket). Returns the ReconnectResponse.
     */
    public synchronized LivekitRtc.ReconnectResponse resume(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<LivekitRtc.SignalResponse> first = new CompletableFuture<>();
        resumed = first;
        CompletableFuture<SignalClient> ready = new CompletableFuture<>();
        signalReady = ready;
        signal.close();
        signal = SignalClient.open(ctx.http, wsBase, token, autoSubscribe, "&reconnect=1&sid=" + sid()
                + "&reconnect_reason=" + RR_SIGNAL_DISCONNECTED, this::onSignal, timeout);
        ready.complete(signal);
        LivekitRtc.SignalResponse r = first.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        if (r.getMessageCase() != LivekitRtc.SignalResponse.MessageCase.RECONNECT) {
            throw new IllegalStateException("resume refused: " + r);
        }
        log.info("sim resumed identity={} sid={}", identityOrSession(), sid());
        if (pub != null) {
            negotiatePublisher(Duration.ofMillis(remainingMs(deadline)));
        }
        return r.getReconnect();
    }

    /** Sends LeaveRequest{CLIENT_INITIATED, DISCONNECT} and closes everything. */
    public void leave() {
        if (signal != null) {
            signal.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
                    .setReason(LivekitModels.DisconnectReason.CLIENT_INITIATED)
                    .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
        }
        close();
    }

    /**
     * Goes away without a leave and without closing its peer connections (no DTLS close_notify), as a
     * crashed tab or a lost network does: the WebSocket closes, the peer connections fall silent.
     */
    public synchronized void vanish() {
        if (pub != null) {
            pub.vanish();
        }
        synchronized (subLock) {
            if (sub != null) {
                sub.vanish();
            }
        }
        close();
    }

    @Override
    public synchronized void close() {
        if (pinger != null) {
            pinger.cancel(false);
        }
        for (Outgoing o : outgoing.values()) {
            if (o.task != null) {
                o.task.cancel(false);
            }
        }
        if (signal != null) {
            signal.close();
        }
        if (pub != null) {
            pub.close();
        }
        synchronized (subLock) {
            if (sub != null) {
                sub.close();
            }
        }
    }
}
