package org.jsfu.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanSubscribe;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import livekit.LivekitRtc;
import org.jsfu.bench.InProcessServer;
import org.jsfu.conf.EgressConfigLoader;
import org.jsfu.core.ice.IceCredentials;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.sdp.MediaSection;
import org.jsfu.core.sdp.Sdp;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that runs for weeks sees participants come and go and rooms open and close: after many such
 * cycles through the real server (signalling, ICE, DTLS, SRTP, egress to a folder), everything it holds per
 * room, participant, peer connection and egress must be released (rooms, media sessions, UDP/TCP/STUN routes,
 * loop timers and periodic members, WebSocket channels, egress recorders and tickers: all back to zero), and
 * the process's threads and file descriptors must be back at their baseline. Rooms close through a 1 s
 * departure_timeout. Media-connected participants leave with a LeaveRequest, RemoveParticipant or DeleteRoom
 * (or are replaced by a rejoin of their identity), or go without a leave (removed when their resume window
 * ends, or at once when their peer connections closed too); the other WebSocket closes happen before media
 * connects.
 */
class ServerChurnTest {
    static final Duration T = Duration.ofSeconds(15);
    static final String ROOM_YAML = "room:\n  departure_timeout: 1\n";
    /** Idle pools (DTLS handshakes, egress I/O, HTTP clients) may keep a few threads; sockets close asynchronously. */
    static final int TOLERANCE = 4;
    static final long IDLE_MS = 20_000;

    @TempDir
    Path dir;

    static String token(String room, String identity, boolean publish, LivekitRoom.RoomConfiguration cfg) {
        AccessToken t = new AccessToken(InProcessServer.KEY, InProcessServer.SECRET);
        t.setIdentity(identity);
        t.setName(identity);
        t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(publish), new CanSubscribe(true),
                new CanPublishData(true));
        if (cfg != null) {
            t.setRoomConfiguration(cfg);
        }
        return t.toJwt();
    }

    /**
     * Runs {@code warmUp} cycles, takes the baseline, runs {@code cycles} more and checks the server is back to
     * it, and that the rooms, participants and media sessions the cycles reported are garbage.
     */
    private static void churn(InProcessServer srv, int warmUp, int cycles, Cycle c) throws Exception {
        List<java.lang.ref.WeakReference<Object>> closed = new java.util.ArrayList<>();
        for (int i = 0; i < warmUp; i++) {
            c.run(-1 - i, closed);
        }
        ServerGauges.awaitIdle(srv.server, IDLE_MS);
        int threads0 = ServerGauges.threads();
        int fds0 = ServerGauges.fds();
        for (int i = 0; i < cycles; i++) {
            c.run(i, closed);
        }
        ServerGauges.awaitIdle(srv.server, IDLE_MS);
        ServerGauges.awaitProcessBaseline(threads0, fds0, TOLERANCE, IDLE_MS);
        assertTrue(closed.size() >= 3 * (warmUp + cycles), "a room, a participant and its session per cycle at least");
        ServerGauges.awaitCollected(closed, IDLE_MS);
    }

    @FunctionalInterface
    interface Cycle {
        /** One cycle; adds weak references to what it opened ({@link ServerGauges#track}) to {@code opened}. */
        void run(int i, List<java.lang.ref.WeakReference<Object>> opened) throws Exception;
    }

    @Test
    @Timeout(120)
    void joinPublishSubscribeRejoinUnpublishAndLeaveReleaseEverything() throws Exception {
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML, null); ClientContext ctx = new ClientContext()) {
            churn(srv, 1, 8, (i, opened) -> {
                String room = "media-" + i;
                SimClient first = SimClient.connect(ctx, srv.wsBase(), token(room, "sub", false, null), T);
                SimClient pub = SimClient.connect(ctx, srv.wsBase(), token(room, "pub", true, null), T);
                String sid = pub.publishAudio("mic", T).trackSid;
                Await.until("audio at the subscriber", 10_000,
                        () -> first.receivedTrack(sid) != null && first.receivedTrack(sid).packets() > 5,
                        () -> "tracks=" + first.receivedTracks());
                opened.addAll(ServerGauges.track(srv.server, room));
                SimClient sub = first;
                if (Math.floorMod(i, 2) == 1) {
                    // a client that rejoins as the same identity replaces its session (DUPLICATE_IDENTITY)
                    sub = SimClient.connect(ctx, srv.wsBase(), token(room, "sub", false, null), T);
                    first.leaveFromServer().get(T.toMillis(), TimeUnit.MILLISECONDS);
                    first.close();
                    SimClient again = sub;
                    Await.until("audio at the rejoined subscriber", 10_000,
                            () -> again.receivedTrack(sid) != null && again.receivedTrack(sid).packets() > 5,
                            () -> "tracks=" + again.receivedTracks());
                    opened.addAll(ServerGauges.track(srv.server, room));
                } else {
                    pub.unpublish(sid, T); // the track ends before its publisher leaves
                }
                pub.leave();
                sub.leave();
            });
        }
    }

    /**
     * Media-connected clients that go without a leave: one vanishes (WebSocket gone, peer connections silent,
     * as a crashed tab or a lost network) and is kept for the resume window (room.resume_timeout, 3 s here),
     * then removed; the other closes its peer connections (DTLS close_notify) with its WebSocket and is removed
     * well before the window ends, having nothing left to resume. The subscriber sees each leave at those
     * times, and everything they held is released.
     */
    @Test
    @Timeout(120)
    void participantsGoneWithoutALeaveAreReleasedAfterOrBeforeTheResumeWindow() throws Exception {
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML + "  resume_timeout: 3\n", null);
             ClientContext ctx = new ClientContext()) {
            churn(srv, 1, 3, (i, opened) -> {
                String room = "gone-" + i;
                SimClient sub = SimClient.connect(ctx, srv.wsBase(), token(room, "sub", false, null), T);
                SimClient vanishing = SimClient.connect(ctx, srv.wsBase(), token(room, "vanishing", true, null), T);
                SimClient closing = SimClient.connect(ctx, srv.wsBase(), token(room, "closing", true, null), T);
                String vTrack = vanishing.publishAudio("mic", T).trackSid;
                String cTrack = closing.publishAudio("mic", T).trackSid;
                Await.until("audio of both at the subscriber", 10_000,
                        () -> sub.receivedTrack(vTrack) != null && sub.receivedTrack(vTrack).packets() > 5
                                && sub.receivedTrack(cTrack) != null && sub.receivedTrack(cTrack).packets() > 5,
                        () -> "tracks=" + sub.receivedTracks());
                opened.addAll(ServerGauges.track(srv.server, room));
                long goneAt = System.nanoTime();
                vanishing.vanish();
                closing.close(); // no LeaveRequest, but its peer connections send close_notify
                long closingMs = awaitLeft(sub, closing.sid(), goneAt);
                long vanishingMs = awaitLeft(sub, vanishing.sid(), goneAt);
                assertTrue(closingMs < 2500, "closed peer connections: removed before the 3 s window, after " + closingMs + " ms");
                assertTrue(vanishingMs >= 2950, "vanished: kept for the 3 s window, removed after " + vanishingMs + " ms");
                sub.leave();
            });
        }
    }

    /** Milliseconds from {@code sinceNanos} until {@code sub} sees participant {@code sid} DISCONNECTED. */
    private static long awaitLeft(SimClient sub, String sid, long sinceNanos) throws Exception {
        Await.until("participant " + sid + " leaves", 10_000,
                () -> sub.participants().get(sid) != null
                        && sub.participants().get(sid).getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED,
                () -> "participants=" + sub.participants().values());
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    @Test
    @Timeout(120)
    void signalClosedBeforeMediaConnectsReleasesEverything() throws Exception {
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML, null); ClientContext ctx = new ClientContext()) {
            churn(srv, 1, 4, (i, opened) -> {
                String room = "early-close-" + i;
                // during the join: the socket closes as soon as it is open
                SignalClient.open(ctx.http, srv.wsBase(), token(room, "a", true, null), true, r -> { }, T).close();
                // during negotiation: the subscriber offer arrives and is never answered
                CompletableFuture<LivekitRtc.SessionDescription> offer = new CompletableFuture<>();
                SignalClient b = SignalClient.open(ctx.http, srv.wsBase(), token(room, "b", true, null), true,
                        r -> {
                            if (r.hasOffer()) {
                                offer.complete(r.getOffer());
                            }
                        }, T);
                offer.get(T.toMillis(), TimeUnit.MILLISECONDS);
                opened.addAll(ServerGauges.track(srv.server, room));
                b.close();
                // during DTLS: the offer is answered and ICE succeeds (UDP, or ICE-TCP), but no ClientHello comes
                closeDuringDtls(srv, ctx, room, "c", false);
                closeDuringDtls(srv, ctx, room, "d", true);
                // DTLS fails (not a WS close): the server removes the participant itself
                failDtls(srv, ctx, room, "e");
            });
        }
    }

    /**
     * Answers the subscriber offer, gets a check through (the server binds our address, or validates our
     * ICE-TCP connection), then closes the WebSocket; over TCP the server must then close the connection.
     */
    private static void closeDuringDtls(InProcessServer srv, ClientContext ctx, String room, String identity,
                                        boolean tcp) throws Exception {
        CompletableFuture<LivekitRtc.SessionDescription> offer = new CompletableFuture<>();
        SignalClient c = SignalClient.open(ctx.http, srv.wsBase(), token(room, identity, true, null), true, r -> {
            if (r.hasOffer()) {
                offer.complete(r.getOffer());
            }
        }, T);
        LivekitRtc.SessionDescription o = offer.get(T.toMillis(), TimeUnit.MILLISECONDS);
        Sdp sdp = Sdp.parse(o.getSdp());
        MediaSection ts = ClientSdp.transportSection(sdp);
        IceCredentials mine = IceCredentials.random();
        String answer = ClientSdp.subscriberAnswer(sdp, 1, 1, mine.ufrag(), mine.pwd(), ctx.identity.fingerprintSha256());
        c.send(LivekitRtc.SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
                .setType("answer").setSdp(answer).setId(o.getId())).build());
        byte[] out = new byte[512];
        SecureRandom rnd = new SecureRandom();
        // controlled: we answer the server's offer (RFC 8445 6.1.1)
        java.util.function.IntSupplier check = () -> {
            byte[] tid = new byte[12];
            rnd.nextBytes(tid);
            return new StunMessage(StunMessage.BINDING_REQUEST, tid)
                    .username(sdp.iceUfrag(ts) + ":" + mine.ufrag())
                    .priority((110L << 24) | (65535L << 8) | 255)
                    .iceControlled(rnd.nextLong())
                    .encode(out, 2, StunMessage.hmacSha1(StunMessage.shortTermKey(sdp.icePwd(ts))), true);
        };
        if (tcp) {
            try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", srv.server.tcpMux().port()))) {
                int n = check.getAsInt();
                out[0] = (byte) (n >> 8); // RFC 4571 2: 16-bit length, then the packet
                out[1] = (byte) n;
                ch.write(ByteBuffer.wrap(out, 0, n + 2));
                ByteBuffer in = ByteBuffer.allocate(2048);
                ch.socket().setSoTimeout((int) T.toMillis());
                java.io.InputStream is = ch.socket().getInputStream();
                byte[] len = is.readNBytes(2); // the success response: the server validated the connection
                assertEquals(2, len.length, "a response to the check over ICE-TCP");
                c.close();
                // closing the peer connection closes its ICE-TCP connection: read until the server's FIN
                long end = System.nanoTime() + T.toNanos();
                while (is.read(in.array()) >= 0) {
                    assertTrue(System.nanoTime() < end, "the server never closed the ICE-TCP connection");
                }
            }
            return;
        }
        InetSocketAddress server = ClientSdp.serverCandidate(sdp);
        int routes0 = srv.mux.addressRoutes();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            long end = System.nanoTime() + T.toNanos();
            while (srv.mux.addressRoutes() <= routes0) { // repeated until the server binds our address
                if (System.nanoTime() > end) {
                    throw new AssertionError("the server never validated the check");
                }
                int n = check.getAsInt();
                ch.send(ByteBuffer.wrap(out, 2, n), server);
                Thread.sleep(20);
            }
        }
        c.close();
    }

    /**
     * The client's answer names another certificate than the one its DTLS client shows (RFC 5763 5): the
     * server's handshake fails and it removes the participant with a leave.
     */
    private static void failDtls(InProcessServer srv, ClientContext ctx, String room, String identity) throws Exception {
        CompletableFuture<LivekitRtc.SessionDescription> offer = new CompletableFuture<>();
        CompletableFuture<LivekitRtc.LeaveRequest> leave = new CompletableFuture<>();
        SignalClient c = SignalClient.open(ctx.http, srv.wsBase(), token(room, identity, true, null), true, r -> {
            if (r.hasOffer()) {
                offer.complete(r.getOffer());
            } else if (r.hasLeave()) {
                leave.complete(r.getLeave());
            }
        }, T);
        LivekitRtc.SessionDescription o = offer.get(T.toMillis(), TimeUnit.MILLISECONDS);
        Sdp sdp = Sdp.parse(o.getSdp());
        MediaSection ts = ClientSdp.transportSection(sdp);
        try (ClientPeer peer = new ClientPeer("sub:" + identity, ctx, java.net.InetAddress.getLoopbackAddress())) {
            String otherCertificate = org.jsfu.core.dtls.DtlsIdentity.generate().fingerprintSha256();
            String answer = ClientSdp.subscriberAnswer(sdp, 1, 1, peer.localIce().ufrag(), peer.localIce().pwd(),
                    otherCertificate);
            c.send(LivekitRtc.SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
                    .setType("answer").setSdp(answer).setId(o.getId())).build());
            peer.start(ClientSdp.serverCandidate(sdp), sdp.iceUfrag(ts), sdp.icePwd(ts), sdp.fingerprint(ts).value(),
                    sdp.iceLite());
            leave.get(T.toMillis(), TimeUnit.MILLISECONDS);
        }
        c.close();
    }

    @Test
    @Timeout(120)
    void removeParticipantAndDeleteRoomReleaseEverything() throws Exception {
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML, null); ClientContext ctx = new ClientContext()) {
            RoomServiceClient api = RoomServiceClient.createClient(srv.httpBase(), InProcessServer.KEY,
                    InProcessServer.SECRET);
            churn(srv, 1, 6, (i, opened) -> {
                String room = "removed-" + (i + 100);
                SimClient sub = SimClient.connect(ctx, srv.wsBase(), token(room, "sub", false, null), T);
                SimClient pub = SimClient.connect(ctx, srv.wsBase(), token(room, "pub", true, null), T);
                String sid = pub.publishAudio("mic", T).trackSid;
                Await.until("audio at the subscriber", 10_000,
                        () -> sub.receivedTrack(sid) != null && sub.receivedTrack(sid).packets() > 5,
                        () -> "tracks=" + sub.receivedTracks());
                opened.addAll(ServerGauges.track(srv.server, room));
                if (Math.floorMod(i, 2) == 0) {
                    assertEquals(200, api.removeParticipant(room, "pub").execute().code());
                    assertEquals(200, api.removeParticipant(room, "sub").execute().code());
                } else {
                    assertEquals(200, api.deleteRoom(room).execute().code());
                }
                for (SimClient s : List.of(pub, sub)) {
                    s.leaveFromServer().get(T.toMillis(), TimeUnit.MILLISECONDS);
                    s.close();
                }
                // rooms nobody joins: one deleted, one left to its 1 s empty_timeout
                assertEquals(200, api.createRoom("empty-deleted-" + (i + 100)).execute().code());
                assertEquals(200, api.deleteRoom("empty-deleted-" + (i + 100)).execute().code());
                assertEquals(200, api.createRoom("empty-timeout-" + (i + 100), 1).execute().code());
            });
        }
    }

    @Test
    @Timeout(120)
    void roomsWithTrackEgressToAFolderReleaseEverything() throws Exception {
        Path storage = dir.resolve("recordings");
        String egressYaml = "api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n";
        // webhooks too: room_finished waits for the room's egress_ended; both queues must drain
        java.util.Queue<String> hooks = new java.util.concurrent.ConcurrentLinkedQueue<>();
        com.sun.net.httpserver.HttpServer hookServer = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        hookServer.createContext("/", x -> {
            hooks.add(new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        hookServer.start();
        String hookYaml = "webhook:\n  api_key: " + InProcessServer.KEY + "\n  urls: [\"http://127.0.0.1:"
                + hookServer.getAddress().getPort() + "/\"]\n";
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML + hookYaml, EgressConfigLoader.parse(egressYaml, Map.of()));
             ClientContext ctx = new ClientContext()) {
            EgressServiceClient api = EgressServiceClient.createClient(srv.httpBase(), InProcessServer.KEY,
                    InProcessServer.SECRET);
            int warmUp = 1;
            int cycles = 6;
            int[] extraEgresses = {0};
            churn(srv, warmUp, cycles, (i, opened) -> {
                String room = "egress-" + (i + 100);
                boolean auto = Math.floorMod(i, 2) == 0;
                LivekitRoom.RoomConfiguration cfg = !auto ? null : LivekitRoom.RoomConfiguration.newBuilder()
                        .setEgress(LivekitRoom.RoomEgress.newBuilder().setTracks(LivekitEgress.AutoTrackEgress
                                .newBuilder().setFilepath("auto/" + room + "-{track_id}.ogg"))).build();
                SimClient pub = SimClient.connect(ctx, srv.wsBase(), token(room, "pub", true, cfg), T);
                String sid = pub.publishAudio("mic", T).trackSid;
                if (!auto) {
                    // the track is published (and can be recorded) on its first packet
                    Await.until("track published in " + room, 10_000, () -> srv.server.rooms()
                            .withRoom(room, r -> r.publisherOf(sid) != null).join(), () -> sid);
                    var r = api.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
                            .setFilepath("api/" + room + "-{track_id}.ogg").build(), sid).execute();
                    assertEquals(200, r.code(), "StartTrackEgress");
                    if (Math.floorMod(i, 4) == 1) {
                        // this one is stopped through the API, and the next one starts while the room is open
                        String id = r.body().getEgressId();
                        Await.until("egress active", 10_000, () -> srv.server.egress().list(null, id, true).stream()
                                .anyMatch(e -> e.status() == EgressStatus.ACTIVE), () -> id);
                        assertEquals(200, api.stopEgress(id).execute().code(), "StopEgress");
                        extraEgresses[0]++;
                        assertEquals(200, api.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
                                .setFilepath("api/" + room + "-again-{track_id}.ogg").build(), sid).execute().code());
                    }
                }
                Await.until("egress active in " + room, 10_000,
                        () -> srv.server.egress().list(room, null, true).stream()
                                .anyMatch(e -> e.status() == EgressStatus.ACTIVE),
                        () -> String.valueOf(srv.server.egress().list(room, null, false)));
                opened.addAll(ServerGauges.track(srv.server, room));
                pub.leave(); // the room closes after its departure timeout; the recording ends with it
            });
            List<EgressInfo> all = srv.server.egress().list(null, null, false);
            assertEquals(warmUp + cycles + extraEgresses[0], all.size(), "every egress stays listed: " + all);
            for (EgressInfo e : all) {
                assertEquals(EgressStatus.COMPLETE, e.status(), e.toString());
            }
            try (Stream<Path> files = Files.walk(storage)) {
                List<Path> list = files.filter(Files::isRegularFile).toList();
                assertEquals(warmUp + cycles + extraEgresses[0], list.stream().filter(p -> p.toString().endsWith(".ogg")).count(),
                        "one recording per egress: " + list);
                assertTrue(list.stream().noneMatch(p -> p.getFileName().toString().endsWith(".part")
                        || p.startsWith(storage.resolve(".egress-spool"))), "no partial file or spool state left: " + list);
            }
            assertEquals(warmUp + cycles, hooks.stream().filter(h -> h.contains("\"room_finished\"")).count(),
                    "room_finished once per room");
            assertEquals(warmUp + cycles + extraEgresses[0], hooks.stream()
                    .filter(h -> h.contains("\"egress_ended\"")).count(), "egress_ended once per egress");
        } finally {
            hookServer.stop(0);
        }
    }
}
