package org.jsfu.core.media;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.dtls.DtlsWarmUp;
import org.jsfu.core.ice.IceCandidates;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.room.MediaSessionFactory;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomListener;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.sdp.CodecPolicy;
import org.jsfu.core.sdp.LocalTransport;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.TcpMux;
import org.jsfu.core.transport.UdpMux;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media plane of this node: the shared UDP sockets, the DTLS identity and handshake pool,
 * and one {@link WebRtcSession} per participant. Rooms' published tracks live in a {@link RoomRouter}
 * per room.
 */
public final class MediaPlane implements MediaSessionFactory, RoomListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaPlane.class);
    private final UdpMux mux;
    private final TcpMux tcp;
    private final List<InetAddress> advertised;
    /** The SRTP order new transports get: the DTLS default (GCM first) until {@link #warmUp} measured. */
    private volatile List<SrtpProfile> srtpPreference = DtlsSession.Options.defaults().srtpProfiles();
    private final boolean iceLite;
    private final DtlsIdentity identity;
    private final ExecutorService handshakePool;
    private final Map<String, RoomRouter> routers = new ConcurrentHashMap<>();
    private final CodecPolicy codecPolicy;
    private static final int WARM_UP_TIMEOUT_MS = 10_000;

    /**
     * @param advertised addresses put in host candidates (rtc.node_ip, or the machine's addresses)
     * @param iceLite    ICE-lite: advertise a=ice-lite and only answer checks (the browser then always
     *                   takes the controlling role); false: a full agent (RFC 8445), controlling on
     *                   the subscriber PC we offer, controlled on the publisher PC
     */
    public MediaPlane(UdpMux mux, List<InetAddress> advertised, boolean iceLite) {
        this(mux, null, advertised, iceLite);
    }

    /**
     * @param tcp the ICE-TCP listener (rtc.tcp_port), or null: then only UDP candidates are offered
     */
    public MediaPlane(UdpMux mux, TcpMux tcp, List<InetAddress> advertised, boolean iceLite) {
        this.mux = mux;
        this.tcp = tcp;
        this.advertised = List.copyOf(advertised);
        this.iceLite = iceLite;
        this.identity = DtlsIdentity.generate();
        AtomicInteger n = new AtomicInteger();
        this.handshakePool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dtls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.codecPolicy = CodecPolicy.defaults();
    }

    /**
     * Runs one in-memory DTLS handshake on the handshake pool so the first participant's handshakes
     * run warm (see {@link DtlsWarmUp}), then the JCE work of a first connection ({@link CryptoWarmUp})
     * on the same pool, never on a room loop; returns at once, the future completes with true when
     * both succeeded.
     */
    public CompletableFuture<Boolean> warmUp() {
        return DtlsWarmUp.start(handshakePool, WARM_UP_TIMEOUT_MS)
                .thenApplyAsync(dtlsOk -> {
                    CryptoWarmUp.Result crypto = CryptoWarmUp.run();
                    if (crypto.ok()) {
                        srtpPreference = crypto.preference();
                    }
                    log.info("srtp profiles measured aesCmNs={} gcmNs={} preference={} gcmHash={} gcmCtr={}",
                            crypto.aesCmNanos(), crypto.gcmNanos(), srtpPreference, SrtpSession.gcmHashImplementation(),
                            SrtpSession.gcmCounterImplementation());
                    return crypto.ok() && dtlsOk;
                }, handshakePool);
    }

    /** The server's SRTP profile order: GCM first until {@link #warmUp} has measured this machine. */
    List<SrtpProfile> srtpPreference() {
        return srtpPreference;
    }

    /** Sets the order new transports get (tests; {@link #warmUp} sets it from its measurement). */
    void srtpPreference(List<SrtpProfile> inOrder) {
        srtpPreference = List.copyOf(inOrder);
    }

    /** Media sessions created and not yet closed (one per joined participant). */
    final AtomicInteger sessions = new AtomicInteger();

    @Override
    public ParticipantMedia create(Room room, Participant participant) {
        WebRtcSession s = new WebRtcSession(this, router(room), room, participant);
        sessions.incrementAndGet();
        return s;
    }

    /** Participants' media sessions not yet closed; for tests and metrics. */
    public int openSessions() {
        return sessions.get();
    }

    /** Rooms with a router (published tracks, speaker timer); for tests and metrics. */
    public int roomRouters() {
        return routers.size();
    }

    RoomRouter router(Room room) {
        return routers.computeIfAbsent(room.sid(), k -> {
            RoomRouter r = new RoomRouter(room);
            r.start();
            return r;
        });
    }

    /** Egress: attaches a tap to a published track; must run on the room's loop. */
    public boolean addTap(Room room, String trackSid, RtpTap tap) {
        RoomRouter r = routers.get(room.sid()); // never re-create the router of a finished room
        UpTrack t = r == null ? null : r.get(trackSid);
        if (t == null || t.closed) {
            return false;
        }
        t.addTap(tap);
        if (t.muted) {
            tap.onMute(true, System.nanoTime());
        }
        return true;
    }

    /**
     * Egress: detaches a tap added with {@link #addTap}; must run on the room's loop. False when the room,
     * the track or the tap is gone (an ended track has already dropped its taps).
     */
    public boolean removeTap(Room room, String trackSid, RtpTap tap) {
        RoomRouter r = routers.get(room.sid());
        UpTrack t = r == null ? null : r.get(trackSid);
        return t != null && t.removeTap(tap);
    }

    /** Incoming SSRCs a participant's session maps to its tracks, at most. */
    public static final int MAX_MAPPED_SSRCS = WebRtcSession.MAX_SSRCS;

    /** Forwarded packets that subscribers' transport-wide feedback reported received (all sessions). */
    final LongAdder downlinkAcked = new LongAdder();

    /** Forwarded packets that subscribers' transport-wide feedback (RTPFB FMT 15) reported received, so far. */
    public long downlinkPacketsAcked() {
        return downlinkAcked.sum();
    }

    /**
     * On the room's loop, for tests and metrics: {incoming SSRCs mapped to tracks (at most
     * {@link #MAX_MAPPED_SSRCS}), SSRCs
     * the publisher PC's SRTP session tracks (at most {@link org.jsfu.core.srtp.SrtpSession#DEFAULT_MAX_STREAMS})}
     * of a participant; null when it has no media session of this plane.
     */
    public int[] inboundSsrcCounts(Participant p) {
        return p.media() instanceof WebRtcSession s ? s.inboundSsrcCounts() : null;
    }

    /**
     * On the room's loop, for tests and metrics: {tracks forwarded to the participant, m-lines of its subscriber
     * PC (data channels included)}; null when it has no media session of this plane.
     */
    public int[] subscriberCounts(Participant p) {
        return p.media() instanceof WebRtcSession s ? s.subscriberCounts() : null;
    }

    /**
     * On the room's loop, for tests and metrics: {published tracks, tracks in speaker detection (a removed one
     * until the next 300 ms update)} of the room; null when it has no router.
     */
    public int[] roomTrackCounts(Room room) {
        RoomRouter r = routers.get(room.sid());
        return r == null ? null : r.counts();
    }

    /** Taps attached to a published track (0 when the track is unknown). */
    public int tapCount(Room room, String trackSid) {
        RoomRouter r = routers.get(room.sid());
        UpTrack t = r == null ? null : r.get(trackSid);
        return t == null ? 0 : t.tapCount();
    }

    @Override
    public void onTrackUnpublished(Room room, Participant publisher, TrackInfo track) {
        RoomRouter r = routers.get(room.sid());
        if (r != null) {
            UpTrack t = r.remove(track.sid());
            if (t != null) {
                t.close(System.nanoTime());
            }
        }
    }

    @Override
    public void onRoomFinished(Room room) {
        RoomRouter r = routers.remove(room.sid());
        if (r != null) {
            r.close();
        }
    }

    /**
     * @param offerer whether we send the offers on this PC (the subscriber PC): a full agent is then
     *                controlling (RFC 8445 6.1.1); in lite mode we are always controlled
     */
    PeerTransport newTransport(String name, Room room, PeerTransport.Listener l, boolean offerer) {
        IceRole role = iceLite ? IceRole.lite() : IceRole.full(offerer);
        // a room's subscriber PCs share a port, its publisher PCs another (UdpMux.loopPort): one socket per fan-out
        return new PeerTransport(name, mux, tcp, room.loop().inbox(), handshakePool, identity, l, role,
                room.loop()::schedule, offerer).preferSrtpProfiles(srtpPreference);
    }

    boolean iceLite() {
        return iceLite;
    }

    LocalTransport localTransport(PeerTransport t) {
        List<String> candidates = new ArrayList<>();
        int i = 0;
        for (InetAddress a : advertised) {
            candidates.add(IceCandidates.udpHost(a, t.localPort(), i++));
        }
        if (tcp != null) {
            // RFC 6544 4.5: passive TCP host candidates; their priority is below every UDP host's.
            int j = 0;
            for (InetAddress a : advertised) {
                candidates.add(IceCandidates.tcpPassiveHost(a, tcp.port(), j++));
            }
        }
        return new LocalTransport(t.localIce().ufrag(), t.localIce().pwd(), identity.fingerprintSha256(),
                candidates, iceLite);
    }

    CodecPolicy codecPolicy() {
        return codecPolicy;
    }

    @Override
    public void close() {
        handshakePool.shutdownNow();
        try {
            handshakePool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
