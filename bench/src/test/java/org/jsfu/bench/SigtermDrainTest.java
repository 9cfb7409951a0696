package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.WebhookReceiver;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import livekit.LivekitWebhook.WebhookEvent;
import org.jsfu.bench.client.ClientContext;
import org.jsfu.bench.client.SimClient;
import org.jsfu.bench.egress.S3ProxyLauncher;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@code docker compose down} sends, SIGKILL following after a 10 s grace) on the packaged
 * server while participants publish audio recorded by auto track egress to a local folder and to S3
 * (s3proxy): the process must exit by itself well inside the grace, every recording must be final (Ogg Opus
 * with an EOS page, as long as the publishing), nothing left in the spool, and the webhook receiver must have
 * egress_ended (COMPLETE), participant_left and room_finished before the process is gone. With S3 hung
 * (s3proxy stopped with SIGSTOP) the drain is still bounded and the S3 spool is kept, and the next start
 * uploads it. With S3 refusing connections past the upload's per-call retries at the end of a recording, a
 * running server keeps the egress ENDING and retries the upload until S3 is back (egress_ended COMPLETE, then
 * room_finished); SIGTERM while it waits to retry exits at once and keeps the recording for the next start.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SigtermDrainTest {
    private static final Duration T = Duration.ofSeconds(15);
    /** docker's default stop grace period: SIGKILL after it. */
    private static final long DOCKER_GRACE_MS = 10_000;
    private static final String LOCAL_ROOM = "drain-local";
    private static final String S3_ROOM = "drain-s3";

    @TempDir
    Path dir;
    @TempDir
    static Path shared;
    /** One s3proxy for both tests (its start resolves a classpath with Maven: seconds). */
    private static S3ProxyLauncher s3proxy;

    @org.junit.jupiter.api.BeforeAll
    static void startS3() throws Exception {
        s3proxy = S3ProxyLauncher.start(Path.of("..", "server", "src", "test", "s3proxy", "pom.xml"),
                shared.resolve("s3proxy"));
    }

    @org.junit.jupiter.api.AfterAll
    static void stopS3() throws Exception {
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    /** A signed-webhook receiver keeping the events in arrival order. */
    static final class Hooks implements AutoCloseable {
        final List<WebhookEvent> events = new CopyOnWriteArrayList<>();
        final List<String> rejected = new CopyOnWriteArrayList<>();
        final com.sun.net.httpserver.HttpServer server;

        Hooks() throws Exception {
            WebhookReceiver receiver = new WebhookReceiver(InProcessServer.KEY, InProcessServer.SECRET);
            server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", x -> {
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                try {
                    events.add(receiver.receive(body, x.getRequestHeaders().getFirst("Authorization")));
                    x.sendResponseHeaders(200, -1);
                } catch (Exception e) {
                    rejected.add(e.toString());
                    x.sendResponseHeaders(401, -1);
                }
                x.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<WebhookEvent> named(String name) {
            return events.stream().filter(e -> e.getEvent().equals(name)).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** One running setup: server, s3proxy, webhook receiver, clients. */
    private final class Setup {
        final Path storage = dir.resolve("recordings");
        final int port = InProcessServer.freeTcpPort();
        String yaml;
        final Map<String, String> env;
        final S3ProxyLauncher s3;
        final Hooks hooks;
        /** The S3 endpoint the egress is given (s3proxy's own, or a {@link TcpGate} in front of it). */
        String s3Endpoint;
        Process server;

        Setup(S3ProxyLauncher s3, Hooks hooks) throws java.io.IOException {
            this.s3 = s3;
            this.hooks = hooks;
            this.s3Endpoint = s3.endpoint();
            yaml = "port: " + port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  " + InProcessServer.KEY + ": "
                    + InProcessServer.SECRET + "\nrtc:\n  udp_port: " + InProcessServer.freeUdpPort()
                    + "\n  tcp_port: " + InProcessServer.freeTcpPort() + "\n  node_ip: 127.0.0.1\nlogging:\n  level: info\n"
                    + "webhook:\n  api_key: " + InProcessServer.KEY + "\n  urls: [\"" + hooks.url() + "\"]\n";
            env = Map.of("EGRESS_CONFIG_BODY", "api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\nstorage_dir: "
                    + storage + "\n");
        }

        Process start(String logName) throws Exception {
            server = PackagedServer.start(yaml, env, port, dir, dir.resolve(logName));
            return server;
        }

        String token(String room, String identity) {
            LivekitEgress.AutoTrackEgress.Builder auto = LivekitEgress.AutoTrackEgress.newBuilder()
                    .setFilepath("drain/{room_name}/{publisher_identity}-{track_id}.ogg");
            if (room.equals(S3_ROOM)) {
                auto.setS3(LivekitEgress.S3Upload.newBuilder().setAccessKey(S3ProxyLauncher.ACCESS)
                        .setSecret(S3ProxyLauncher.SECRET).setBucket(S3ProxyLauncher.BUCKET).setRegion("us-east-1")
                        .setEndpoint(s3Endpoint).setForcePathStyle(true));
            }
            AccessToken t = new AccessToken(InProcessServer.KEY, InProcessServer.SECRET);
            t.setIdentity(identity);
            t.setName(identity);
            t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(true), new CanSubscribe(true));
            t.setRoomConfiguration(LivekitRoom.RoomConfiguration.newBuilder()
                    .setEgress(LivekitRoom.RoomEgress.newBuilder().setTracks(auto)).build());
            return t.toJwt();
        }

        Path spool() {
            return storage.resolve(".egress-spool");
        }
    }

    /** A publishing participant and when its audio started. */
    private record Publisher(String room, SimClient client, String trackSid, long publishedAt) {}

    private static Publisher publish(ClientContext ctx, Setup s, String room, String identity) throws Exception {
        SimClient c = SimClient.connect(ctx, "ws://127.0.0.1:" + s.port, s.token(room, identity), T);
        SimClient.Outgoing track = c.publishAudio("mic", T);
        return new Publisher(room, c, track.trackSid, System.nanoTime());
    }

    /**
     * SIGTERM ({@code twice}: a second one 300 ms later, as an impatient operator sends); returns the ms until
     * the process was gone (fails when it outlives the docker grace + 5 s).
     */
    private static long sigterm(Process p, boolean twice) throws Exception {
        long t0 = System.nanoTime();
        p.destroy();
        if (twice && !p.waitFor(300, TimeUnit.MILLISECONDS)) {
            p.destroy();
        }
        boolean exited = p.waitFor(DOCKER_GRACE_MS + 5_000, TimeUnit.MILLISECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(exited, "still running " + ms + " ms after SIGTERM");
        return ms;
    }

    @Test
    @Timeout(180)
    @org.junit.jupiter.api.Order(1) // first: it checks the whole bucket, which the other test also writes to
    void sigtermFinalizesEveryRecordingAndSendsEveryWebhook() throws Exception {
        S3ProxyLauncher s3 = s3proxy;
        try (Hooks hooks = new Hooks();
             ClientContext ctx = new ClientContext()) {
            Setup s = new Setup(s3, hooks);
            Process server = s.start("server.log");
            List<Publisher> pubs = new ArrayList<>();
            try {
                pubs.add(publish(ctx, s, LOCAL_ROOM, "alice"));
                pubs.add(publish(ctx, s, LOCAL_ROOM, "bob"));
                pubs.add(publish(ctx, s, S3_ROOM, "carol"));
                Thread.sleep(4_000);
                for (Publisher p : pubs) {
                    assertTrue(p.client.outgoing(p.trackSid).source.sent() > 150, "audio published by " + p.client.identity());
                }
                long termAt = System.nanoTime();
                long exitMs = sigterm(server, false);
                String log = PackagedServer.read(dir.resolve("server.log"));
                System.out.println("sigterm drain: exit after ms=" + exitMs + " exitValue=" + server.exitValue() + " "
                        + stoppedLine(log));
                List<String> lines = log.lines().toList();
                System.out.println("server log, last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                assertTrue(exitMs < 8_000, "exit " + exitMs + " ms after SIGTERM, docker kills at " + DOCKER_GRACE_MS
                        + "; log:\n" + log);
                assertTrue(log.contains("jsfu stopped"), "the shutdown hook ran to its end; log:\n" + log);

                // the events the receiver has now are all it will ever get: the sender is gone
                List<WebhookEvent> ev = List.copyOf(hooks.events);
                assertEquals(List.of(), hooks.rejected, "rejected webhooks");
                for (Publisher p : pubs) {
                    double elapsed = (termAt - p.publishedAt) / 1e9;
                    WebhookEvent ended = ev.stream().filter(e -> e.getEvent().equals("egress_ended")
                                    && e.getEgressInfo().getTrack().getTrackId().equals(p.trackSid)).findFirst()
                            .orElseThrow(() -> new AssertionError("no egress_ended for " + p.trackSid + " in "
                                    + names(ev) + "; log:\n" + log));
                    LivekitEgress.EgressInfo info = ended.getEgressInfo();
                    assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, info.getStatus(), info + "\nlog:\n" + log);
                    assertEquals(1, info.getFileResultsCount(), info.toString());
                    String key = info.getFileResults(0).getFilename();
                    Path file = p.room.equals(S3_ROOM) ? s3.data().resolve(S3ProxyLauncher.BUCKET).resolve(key)
                            : s.storage.resolve(key);
                    checkRecording(file, elapsed);
                    assertTrue(ev.stream().anyMatch(e -> e.getEvent().equals("participant_left")
                            && e.getParticipant().getIdentity().equals(p.client.identity())),
                            "participant_left for " + p.client.identity() + " in " + names(ev));
                    LivekitModels.DisconnectReason reason = p.client.leaveFromServer().get(5, TimeUnit.SECONDS).getReason();
                    assertEquals(LivekitModels.DisconnectReason.SERVER_SHUTDOWN, reason, "leave of " + p.client.identity());
                }
                for (String room : List.of(LOCAL_ROOM, S3_ROOM)) {
                    int finished = indexOf(ev, "room_finished", room);
                    assertTrue(finished >= 0, "room_finished for " + room + " in " + names(ev));
                    for (int i = 0; i < ev.size(); i++) {
                        if (ev.get(i).getEvent().equals("egress_ended") && ev.get(i).getEgressInfo().getRoomName().equals(room)) {
                            assertTrue(i < finished, "egress_ended before room_finished in " + names(ev));
                        }
                    }
                }
                assertEquals(List.of(), files(s.spool()), "spool after the drain");
                assertEquals(List.of(), files(s.storage).stream().filter(f -> f.toString().endsWith(".part")).toList(),
                        ".part files after the drain");
                // the bucket holds the recording and its manifest, and no multipart upload state
                List<Path> objects = files(s3.data().resolve(S3ProxyLauncher.BUCKET));
                assertEquals(1, objects.stream().filter(f -> f.toString().endsWith(".ogg")).count(), objects.toString());
                assertEquals(2, objects.size(), "recording and manifest only: " + objects);
            } finally {
                server.destroyForcibly();
                for (Publisher p : pubs) {
                    p.client.close();
                }
            }
        }
    }

    @Test
    @Timeout(180)
    @org.junit.jupiter.api.Order(2)
    void hungS3BoundsTheDrainAndKeepsTheSpoolForTheNextStart() throws Exception {
        S3ProxyLauncher s3 = s3proxy;
        boolean stopped = false;
        try (Hooks hooks = new Hooks();
             ClientContext ctx = new ClientContext()) {
            Setup s = new Setup(s3, hooks);
            Process server = s.start("server.log");
            try {
                Publisher local = publish(ctx, s, LOCAL_ROOM, "alice");
                Publisher remote = publish(ctx, s, S3_ROOM, "carol");
                Thread.sleep(3_000);
                assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(s3.pid())).start().waitFor());
                stopped = true;
                long termAt = System.nanoTime();
                long exitMs = sigterm(server, true);
                String log = PackagedServer.read(dir.resolve("server.log"));
                System.out.println("sigterm drain with S3 hung: exit after ms=" + exitMs + " " + stoppedLine(log));
                assertTrue(exitMs < 9_500, "exit " + exitMs + " ms after SIGTERM, docker kills at " + DOCKER_GRACE_MS
                        + "; log:\n" + log);
                List<WebhookEvent> ev = List.copyOf(hooks.events);
                // the local recording is final and reported; the S3 one waits in the spool
                WebhookEvent ended = ev.stream().filter(e -> e.getEvent().equals("egress_ended")
                        && e.getEgressInfo().getTrack().getTrackId().equals(local.trackSid)).findFirst()
                        .orElseThrow(() -> new AssertionError("no egress_ended for the local egress in " + names(ev)));
                assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, ended.getEgressInfo().getStatus());
                checkRecording(s.storage.resolve(ended.getEgressInfo().getFileResults(0).getFilename()),
                        (termAt - local.publishedAt) / 1e9);
                assertTrue(ev.stream().noneMatch(e -> e.getEvent().equals("egress_ended")
                        && e.getEgressInfo().getTrack().getTrackId().equals(remote.trackSid)
                        && e.getEgressInfo().getStatus() != LivekitEgress.EgressStatus.EGRESS_COMPLETE),
                        "the S3 egress is not reported failed: " + names(ev));
                for (String who : List.of("alice", "carol")) {
                    assertTrue(ev.stream().anyMatch(e -> e.getEvent().equals("participant_left")
                            && e.getParticipant().getIdentity().equals(who)), "participant_left " + who + " in " + names(ev));
                }
                assertTrue(indexOf(ev, "room_finished", LOCAL_ROOM) >= 0, "room_finished for " + LOCAL_ROOM + " in " + names(ev));
                assertEquals(-1, indexOf(ev, "room_finished", S3_ROOM),
                        "the S3 room's room_finished is kept to follow its recording at the next start: " + names(ev));
                assertSpoolKept(s);

                // S3 is back: the next start uploads the spool and reports the egress COMPLETE
                assertEquals(0, new ProcessBuilder("kill", "-CONT", Long.toString(s3.pid())).start().waitFor());
                stopped = false;
                nextStartUploadsTheSpool(s, hooks, remote, termAt, "server2.log");
                s.server.destroy();
                s.server.waitFor(15, TimeUnit.SECONDS);
            } finally {
                s.server.destroyForcibly();
            }
        } finally {
            if (stopped) {
                new ProcessBuilder("kill", "-CONT", Long.toString(s3.pid())).start().waitFor();
            }
        }
    }

    /**
     * S3 goes away (connections refused, as while it restarts) just before a recording ends and stays away past
     * the upload's per-call retries (5 attempts, ~7.5 s) for two commit attempts; the room closes meanwhile.
     * The running server keeps the egress ENDING (no egress_ended, room_finished held) and, once S3 is back,
     * uploads the whole recording: one egress_ended COMPLETE, then room_finished, nothing left in the spool.
     */
    @Test
    @Timeout(180)
    @org.junit.jupiter.api.Order(3)
    void anS3OutageAtTheEndOfARecordingIsRetriedUntilS3IsBack() throws Exception {
        try (Hooks hooks = new Hooks();
             TcpGate gate = TcpGate.open(java.net.URI.create(s3proxy.endpoint()).getPort());
             ClientContext ctx = new ClientContext()) {
            Setup s = new Setup(s3proxy, hooks);
            s.yaml += "room:\n  departure_timeout: 3\n"; // the room closes while S3 is away
            try {
                Publisher p = publishThenLeaveWithS3Down(ctx, s, gate);
                long leftAt = System.nanoTime();
                awaitLog(dir.resolve("outage.log"), "egress upload failed, will retry", 2, 60_000);
                List<WebhookEvent> during = List.copyOf(hooks.events);
                assertEquals(-1, egressEndedAt(during, p.trackSid), "no egress_ended while retrying: " + names(during));
                assertEquals(-1, indexOf(during, "room_finished", S3_ROOM), "room_finished waits: " + names(during));
                gate.up();
                WebhookEvent ended = awaitEgressEnded(hooks, p.trackSid, 60_000);
                assertNotNull(ended, "egress_ended once S3 is back; log:\n" + PackagedServer.read(dir.resolve("outage.log")));
                assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, ended.getEgressInfo().getStatus(),
                        ended.getEgressInfo().toString());
                checkRecording(s3proxy.data().resolve(S3ProxyLauncher.BUCKET)
                        .resolve(ended.getEgressInfo().getFileResults(0).getFilename()), (leftAt - p.publishedAt) / 1e9);
                long until = System.currentTimeMillis() + 15_000;
                while (indexOf(hooks.events, "room_finished", S3_ROOM) < 0 && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
                List<WebhookEvent> ev = List.copyOf(hooks.events);
                assertEquals(1, ev.stream().filter(e -> e.getEvent().equals("egress_ended")).count(), names(ev).toString());
                int finished = indexOf(ev, "room_finished", S3_ROOM);
                assertTrue(finished > egressEndedAt(ev, p.trackSid), "room_finished after egress_ended: " + names(ev));
                assertEquals(List.of(), files(s.spool()), "nothing left for the next start");
                sigterm(s.server, false);
            } finally {
                if (s.server != null) {
                    s.server.destroyForcibly();
                }
            }
        }
    }

    /**
     * SIGTERM while a recording's upload waits to be retried (S3 refusing connections since just before the
     * recording ended): the process exits at once, sends no egress_ended (neither FAILED nor COMPLETE) and keeps
     * the recording in its spool; once S3 is back the next start uploads it whole and reports it COMPLETE.
     */
    @Test
    @Timeout(180)
    @org.junit.jupiter.api.Order(4)
    void sigtermWhileAnUploadWaitsToRetryKeepsTheRecordingForTheNextStart() throws Exception {
        try (Hooks hooks = new Hooks();
             TcpGate gate = TcpGate.open(java.net.URI.create(s3proxy.endpoint()).getPort());
             ClientContext ctx = new ClientContext()) {
            Setup s = new Setup(s3proxy, hooks);
            try {
                Publisher p = publishThenLeaveWithS3Down(ctx, s, gate);
                long leftAt = System.nanoTime();
                awaitLog(dir.resolve("outage.log"), "egress upload failed, will retry", 1, 60_000);
                long exitMs = sigterm(s.server, false);
                System.out.println("sigterm while an upload waits to retry: exit after ms=" + exitMs);
                assertTrue(exitMs < 8_000, "exit " + exitMs + " ms after SIGTERM, docker kills at " + DOCKER_GRACE_MS);
                List<WebhookEvent> ev = List.copyOf(hooks.events);
                assertEquals(-1, egressEndedAt(ev, p.trackSid), "no egress_ended before the next start: " + names(ev));
                assertEquals(-1, indexOf(ev, "room_finished", S3_ROOM),
                        "room_finished kept to follow the recording at the next start: " + names(ev));
                assertSpoolKept(s);
                gate.up();
                nextStartUploadsTheSpool(s, hooks, p, leftAt, "outage2.log");
                sigterm(s.server, false);
            } finally {
                if (s.server != null) {
                    s.server.destroyForcibly();
                }
            }
        }
    }

    /**
     * Starts the server (log {@code outage.log}) with the S3 room's egress going through {@code gate}; dora
     * publishes 3 s of audio there, then S3 goes away (connections refused) and she leaves.
     */
    private static Publisher publishThenLeaveWithS3Down(ClientContext ctx, Setup s, TcpGate gate) throws Exception {
        s.s3Endpoint = gate.endpoint();
        s.start("outage.log");
        Publisher p = publish(ctx, s, S3_ROOM, "dora");
        Thread.sleep(3_000);
        gate.down();
        p.client.leave();
        return p;
    }

    private static void assertSpoolKept(Setup s) throws Exception {
        List<Path> spool = files(s.spool());
        assertTrue(spool.stream().anyMatch(f -> f.toString().endsWith(".spool"))
                && spool.stream().anyMatch(f -> f.toString().endsWith(".json")), "S3 spool kept: " + spool);
    }

    /**
     * S3 is back: the next start ({@code log}) uploads the kept spool and reports the egress COMPLETE; recovery
     * finishes the file it had, all but the last moments before {@code endedAt} (the loss a crash also has).
     */
    private void nextStartUploadsTheSpool(Setup s, Hooks hooks, Publisher p, long endedAt, String log) throws Exception {
        hooks.events.clear();
        s.start(log);
        WebhookEvent recovered = awaitEgressEnded(hooks, p.trackSid, 30_000);
        assertNotNull(recovered, "egress_ended after the restart; log:\n" + PackagedServer.read(dir.resolve(log)));
        assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, recovered.getEgressInfo().getStatus(),
                recovered.getEgressInfo().toString());
        checkRecording(s3proxy.data().resolve(S3ProxyLauncher.BUCKET)
                .resolve(recovered.getEgressInfo().getFileResults(0).getFilename()), (endedAt - p.publishedAt) / 1e9);
        assertEquals(List.of(), files(s.spool()), "spool after recovery");
        // the room_finished kept at shutdown follows the recovered egress_ended: the receiver lists recordings on it
        long until = System.currentTimeMillis() + 30_000;
        while (indexOf(List.copyOf(hooks.events), "room_finished", S3_ROOM) < 0 && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        List<WebhookEvent> ev = List.copyOf(hooks.events);
        int finished = indexOf(ev, "room_finished", S3_ROOM);
        assertTrue(finished > egressEndedAt(ev, p.trackSid), "room_finished after the recovered egress_ended: " + names(ev));
        assertEquals(1, ev.stream().filter(e -> e.getEvent().equals("room_finished")
                && e.getRoom().getName().equals(S3_ROOM)).count(), "once: " + names(ev));
    }

    /** Where the egress_ended of {@code trackSid} is in {@code ev}, or -1. */
    private static int egressEndedAt(List<WebhookEvent> ev, String trackSid) {
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).getEvent().equals("egress_ended") && ev.get(i).getEgressInfo().getTrack().getTrackId().equals(trackSid)) {
                return i;
            }
        }
        return -1;
    }

    /** Waits until {@code log} has {@code count} lines containing {@code text}. */
    private static void awaitLog(Path log, String text, int count, long timeoutMs) throws Exception {
        long until = System.currentTimeMillis() + timeoutMs;
        while (PackagedServer.read(log).lines().filter(l -> l.contains(text)).count() < count) {
            assertTrue(System.currentTimeMillis() < until, count + " x '" + text + "' in the log:\n" + PackagedServer.read(log));
            Thread.sleep(100);
        }
    }

    private static WebhookEvent awaitEgressEnded(Hooks hooks, String trackSid, long timeoutMs) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < until) {
            WebhookEvent e = hooks.events.stream().filter(x -> x.getEvent().equals("egress_ended")
                    && x.getEgressInfo().getTrack().getTrackId().equals(trackSid)).findFirst().orElse(null);
            if (e != null) {
                return e;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** A final Ogg Opus file: EOS on its last page, opusinfo accepts it, about as long as the publishing. */
    private static void checkRecording(Path file, double elapsedS) throws Exception {
        assertTrue(Files.isRegularFile(file), "recording " + file);
        OggOpusReader.OggOpusFile f;
        try (InputStream in = Files.newInputStream(file)) {
            f = OggOpusReader.read(in);
        }
        System.out.println("recording " + file.getFileName() + " bytes=" + Files.size(file) + " durationS="
                + f.durationSeconds() + " publishedS=" + elapsedS);
        assertTrue(f.pages().get(f.pages().size() - 1).eos(), "last page has EOS: " + file);
        assertTrue(f.durationSeconds() >= elapsedS - 2, "duration " + f.durationSeconds() + " s of " + elapsedS + " s");
        assertTrue(f.durationSeconds() <= elapsedS + 2, "duration " + f.durationSeconds() + " s of " + elapsedS + " s");
        assertEquals(0, new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(), "opusinfo accepts " + file);
    }

    private static String stoppedLine(String log) {
        return log.lines().filter(l -> l.contains("jsfu stopped")).findFirst().orElse("(no 'jsfu stopped' line)");
    }

    static int indexOf(List<WebhookEvent> ev, String name, String room) {
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).getEvent().equals(name) && ev.get(i).getRoom().getName().equals(room)) {
                return i;
            }
        }
        return -1;
    }

    static List<String> names(List<WebhookEvent> ev) {
        return ev.stream().map(e -> e.getEvent() + "(" + (e.hasParticipant() ? e.getParticipant().getIdentity()
                : e.hasEgressInfo() ? e.getEgressInfo().getStatus() : e.getRoom().getName()) + ")").toList();
    }

    static List<Path> files(Path root) throws Exception {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
