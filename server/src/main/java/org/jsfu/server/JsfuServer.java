package org.jsfu.server;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jsfu.core.media.MediaPlane;
import org.jsfu.core.transport.TcpMux;
import org.jsfu.core.transport.UdpMux;
import org.jsfu.conf.ServerConfig;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.MediaSessionFactory;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomListener;
import org.jsfu.core.room.RoomManager;
import org.jsfu.conf.EgressConfig;
import org.jsfu.egress.EgressManager;
import org.jsfu.signaling.ClientIceServer;
import org.jsfu.signaling.EgressWebhooks;
import org.jsfu.signaling.RoomWebhooks;
import org.jsfu.signaling.twirp.EgressServiceApi;
import org.jsfu.signaling.SignalingServer;
import org.jsfu.signaling.SignalingSettings;
import org.jsfu.signaling.TokenAuthenticator;
import org.jsfu.signaling.webhook.WebhookNotifier;
import org.jsfu.signaling.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running server: media loops, rooms, webhooks and the HTTP port. Startable in-process from tests. */
public final class JsfuServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsfuServer.class);

    private final MediaLoops loops;
    private final RoomManager rooms;
    private final SignalingServer signaling;
    private final WebhookNotifier webhooks;
    private final int port;
    private MediaPlane media;
    private EgressManager egress;
    /** The room webhooks when room_finished waits for the room's egress (webhooks and egress on), else null. */
    private RoomWebhooks roomHooks;
    private UdpMux mux;
    private TcpMux tcp;

    private JsfuServer(MediaLoops loops, RoomManager rooms, SignalingServer signaling, WebhookNotifier webhooks,
                       int port) {
        this.loops = loops;
        this.rooms = rooms;
        this.signaling = signaling;
        this.webhooks = webhooks;
        this.port = port;
    }

    /** Starts with the WebRTC media plane on the rtc section's UDP ports. */
    public static JsfuServer start(ServerConfig cfg) throws InterruptedException, IOException {
        return start(cfg, (EgressConfig) null);
    }

    /**
     * Starts with the WebRTC media plane and track egress; {@code egress} (egress.yaml, may be null) gives
     * the default upload target and local folder for requests that do not name one.
     */
    public static JsfuServer start(ServerConfig cfg, EgressConfig egress) throws InterruptedException, IOException {
        List<InetAddress> advertised = RtcSetup.advertisedAddresses(cfg);
        UdpMux mux = RtcSetup.openUdp(cfg.rtc(), advertised);
        TcpMux tcp = null;
        MediaPlane plane;
        try {
            tcp = RtcSetup.openTcp(cfg.rtc());
            plane = RtcSetup.mediaPlane(mux, tcp, advertised, cfg.rtc().useIceLite());
        } catch (IOException | RuntimeException e) {
            mux.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        JsfuServer server;
        try {
            server = start(cfg, plane, plane, egress);
        } catch (Exception e) { // precise rethrow; also a sneaky BindException from the listener
            plane.close();
            mux.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        server.media = plane;
        server.mux = mux;
        server.tcp = tcp;
        return server;
    }

    /** The media plane, or null when started with another media factory. */
    public MediaPlane media() {
        return media;
    }

    /** The RTC UDP sockets, or null when started with another media factory (bench gauges). */
    public UdpMux udpMux() {
        return mux;
    }

    /** The ICE-TCP listener (rtc.tcp_port), or null when off or started with another media factory. */
    public TcpMux tcpMux() {
        return tcp;
    }

    /** The media loops rooms are pinned to. */
    public MediaLoops loops() {
        return loops;
    }

    /** Open /rtc WebSocket connections; for tests and metrics. */
    public int signalConnections() {
        return signaling.signalConnections();
    }

    /** Webhook events queued or in flight (0 without webhook urls); for tests and metrics. */
    public int webhooksPending() {
        return webhooks == null ? 0 : webhooks.pending();
    }

    /** Starts with the given media plane (tests may pass their own). */
    public static JsfuServer start(ServerConfig cfg, MediaSessionFactory media) throws InterruptedException {
        try {
            return start(cfg, media, null, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** room.enabled_codecs as the codecs publishers may use (the forwarded ones among them). */
    static org.jsfu.core.room.PublishCodecs publishCodecs(ServerConfig.Room rc) {
        java.util.List<org.jsfu.core.room.PublishCodecs.Enabled> enabled = new java.util.ArrayList<>();
        for (ServerConfig.Codec c : rc.enabledCodecs()) {
            enabled.add(new org.jsfu.core.room.PublishCodecs.Enabled(c.mime(), c.fmtpLine()));
        }
        return org.jsfu.core.room.PublishCodecs.of(enabled);
    }

    private static JsfuServer start(ServerConfig cfg, MediaSessionFactory media, MediaPlane plane, EgressConfig ecfg)
            throws InterruptedException, IOException {
        LongSupplier clock = System::currentTimeMillis;
        MediaLoops loops = MediaLoops.perCore();
        ServerConfig.Room rc = cfg.room();
        RoomManager rooms = new RoomManager(loops,
                new RoomDefaults(rc.autoCreate(), rc.emptyTimeout(), rc.departureTimeout(), rc.maxParticipants(),
                        publishCodecs(rc)),
                media, clock);
        rooms.setDataPacketRouter(new org.jsfu.signaling.proto.DataPackets());
        if (plane != null) {
            rooms.addListener(plane);
        } else if (media instanceof RoomListener l) {
            rooms.addListener(l);
        }
        EgressManager.TapAttacher taps = plane != null ? new EgressManager.TapAttacher() {
            @Override
            public boolean addTap(org.jsfu.core.room.Room room, String trackSid, org.jsfu.core.media.RtpTap tap) {
                return plane.addTap(room, trackSid, tap);
            }

            @Override
            public boolean removeTap(org.jsfu.core.room.Room room, String trackSid, org.jsfu.core.media.RtpTap tap) {
                return plane.removeTap(room, trackSid, tap);
            }
        } : media instanceof EgressManager.TapAttacher t ? t : null;
        EgressManager egress = taps == null ? null : new EgressManager(rooms, taps, EgressSetup.sinks(ecfg));
        if (egress != null) {
            rooms.addListener(egress);
        }
        WebhookNotifier webhooks = null;
        RoomWebhooks roomHooks = null;
        WebhookOutbox outbox = null;
        if (!cfg.webhook().urls().isEmpty()) {
            String key = cfg.webhook().apiKey();
            String secret = cfg.keys().get(key);
            if (secret == null) {
                throw new IllegalArgumentException("webhook.api_key is not one of the configured keys");
            }
            // the packaged server (real media plane) or one with egress.yaml keeps undelivered webhooks for the next start
            outbox = plane != null || ecfg != null
                    ? new WebhookOutbox(EgressSetup.webhookSpoolDir(ecfg), WebhookOutbox.Limits.DEFAULTS, clock) : null;
            webhooks = new WebhookNotifier(cfg.webhook().urls(), key, secret, WebhookNotifier.Options.DEFAULTS, clock,
                    outbox);
            if (egress != null) {
                WebhookNotifier n = webhooks;
                // a room whose recording shutdown left to the next start: its room_finished is kept for then too,
                // so that it follows the recovered egress_ended (KeptWebhooks), as receivers list recordings on it
                roomHooks = new RoomWebhooks(webhooks::enqueue, clock, r -> egress.roomDone(r.sid())
                        .thenCompose(v -> egress.leftToRecovery(r.sid())
                                ? java.util.concurrent.CompletableFuture.failedFuture(new RoomWebhooks.KeptForNextStart())
                                : EgressSetup.whenDelivered(n, System.currentTimeMillis() + 10_000)),
                        EgressSetup.ROOM_FINISHED_MAX_WAIT_MS, webhooks::keepForNextStart);
                rooms.addListener(roomHooks);
                egress.addListener(new EgressWebhooks(webhooks::enqueue, clock));
            } else {
                rooms.addListener(new RoomWebhooks(webhooks::enqueue, clock));
            }
        }
        // webhooks kept by the last run (read in the background), then the egress recovery, after the webhook
        // listener: recovered egresses send egress_ended through it, before a kept room_finished of their room
        KeptWebhooks.start(webhooks, outbox, () -> egress == null
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : EgressRecovery.start(EgressSetup.spoolDir(ecfg), EgressSetup.defaultS3(ecfg), egress::recovered),
                EgressSetup.ROOM_FINISHED_MAX_WAIT_MS);
        SignalingServer signaling = new SignalingServer(settings(cfg), rooms, new TokenAuthenticator(cfg.keys()), clock);
        if (egress != null) {
            signaling.addTwirpMethods(new EgressServiceApi(egress).methods());
        }
        int port;
        try {
            port = signaling.start();
        } catch (Exception e) {
            rooms.close();
            loops.close();
            if (webhooks != null) {
                webhooks.close(java.time.Duration.ZERO);
            }
            throw e;
        }
        log.info("jsfu started port={} loops={} webhookUrls={}", port, loops.all().size(), cfg.webhook().urls().size());
        JsfuServer server = new JsfuServer(loops, rooms, signaling, webhooks, port);
        server.egress = egress;
        server.roomHooks = roomHooks;
        return server;
    }

    static SignalingSettings settings(ServerConfig cfg) {
        ServerConfig.Limit l = cfg.limit();
        int metadata = l.maxMetadataSize() > 0 ? l.maxMetadataSize() : cfg.room().maxMetadataSize();
        return new SignalingSettings(cfg.bindAddresses(), cfg.port(), cfg.room().autoCreate(), metadata,
                l.maxAttributesSize(), l.maxRoomNameLength(), l.maxParticipantIdentityLength(),
                sizeOr(l.signalMessageSizeLimit(), 2 * 1024 * 1024), sizeOr(l.maxApiRequestBodySize(), 10 * 1024 * 1024),
                5, 15, 5 * 60_000L, cfg.room().resumeTimeout() * 1000L, iceServers(cfg.rtc()));
    }

    /** rtc.turn_servers, then rtc.stun_servers as one entry: what clients are given as ICE servers. */
    static List<ClientIceServer> iceServers(ServerConfig.Rtc rtc) {
        List<ClientIceServer> out = new ArrayList<>();
        for (ServerConfig.TurnServer t : rtc.turnServers()) {
            out.add(ClientIceServer.turn(t.host(), t.port(), t.protocol(), t.username(), t.credential(), t.secret(), t.ttl()));
        }
        if (!rtc.stunServers().isEmpty()) {
            out.add(ClientIceServer.stun(rtc.stunServers()));
        }
        return out;
    }

    /** 0 (unset) falls back to LiveKit's default; a transport limit is never switched off. */
    private static int sizeOr(long configured, int dflt) {
        return configured > 0 ? (int) Math.min(Integer.MAX_VALUE - 8, configured) : dflt;
    }

    /** The bound HTTP port. */
    public int port() { return port; }

    public RoomManager rooms() { return rooms; }

    /** Track egress, or null without the media plane. */
    public EgressManager egress() { return egress; }

    /**
     * The longest shutdown (SIGTERM): docker stops a container with SIGKILL 10 s after SIGTERM by default
     * ({@code stop_grace_period}), so the drain ends well before that.
     */
    public static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(8);
    /** Of the drain, what is kept for the last webhooks (egress_ended, room_finished) after the egress wait. */
    static final Duration WEBHOOK_RESERVE = Duration.ofMillis(2500);

    /** Closes within {@link #SHUTDOWN_DRAIN}. */
    @Override
    public void close() {
        close(SHUTDOWN_DRAIN);
    }

    /**
     * A bounded drain: rooms closed (SERVER_SHUTDOWN leave to every participant, participant_left), every
     * recording finished and uploaded (an egress still uploading when the egress wait ends keeps its spool for
     * recovery at the next start), room_finished handed to the webhook sender after its room's egress_ended
     * (or at the deadline), then the listeners and sockets closed and the webhooks delivered until the deadline.
     */
    public void close(Duration drain) {
        long start = System.nanoTime();
        long deadline = start + drain.toNanos();
        long hooksFrom = deadline - Math.min(WEBHOOK_RESERVE.toNanos(), drain.toNanos() / 3);
        if (egress != null) {
            egress.beginDrain();
        }
        rooms.close();
        int unfinished = 0;
        if (egress != null) {
            unfinished = egress.awaitAll(Duration.ofNanos(hooksFrom - System.nanoTime()));
        }
        if (roomHooks != null) {
            // a room whose egress ended sends room_finished once egress_ended is delivered (milliseconds);
            // one whose egress did not end in time would hold it for good: send it anyway
            roomHooks.flushHeldFinishes(Math.min(deadline - Math.min(500_000_000L, drain.toNanos() / 8),
                    System.nanoTime() + 1_000_000_000L));
        }
        signaling.close();
        loops.close();
        if (media != null) {
            media.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        if (mux != null) {
            mux.close();
        }
        if (webhooks != null) {
            webhooks.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        log.info("jsfu stopped drainMs={} unfinishedEgress={}", (System.nanoTime() - start) / 1_000_000, unfinished);
    }
}
