package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import livekit.LivekitEgress;
import livekit.LivekitRoom;
import livekit.LivekitWebhook.WebhookEvent;
import org.jsfu.bench.client.ClientContext;
import org.jsfu.bench.client.SimClient;
import org.jsfu.bench.client.TrackStats;
import org.jsfu.bench.egress.S3ProxyLauncher;
import org.jsfu.egress.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several faults in one meeting, on the packaged server: a room with 3 publishers (SimClient: /rtc signalling,
 * ICE, DTLS, SRTP, Opus-shaped audio) and auto track egress to s3proxy. One publisher's signal socket drops and
 * it resumes (its media and recording go on); another leaves while S3 is up (its egress commits as usual); then
 * S3 goes away (connections refused, {@link TcpGate}) across the room's close, so the last two uploads wait to
 * retry, the webhook receiver goes away too, and the server gets SIGTERM. S3 and the receiver come back and the
 * server starts again on the same storage folder. Asserted: every webhook event (by id) delivered exactly once,
 * room_finished after all egress_ended of the room (each COMPLETE), each of the 3 recordings decodable
 * ({@code opusinfo} and {@code ffprobe}), one {@code <egress_id>.json} manifest per recording (the recovered
 * ones included), and the egress and webhook spools empty at the end.
 */
class CombinedFaultsTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final String ROOM = "combined-faults";

    @TempDir
    Path dir;
    @TempDir
    static Path shared;
    private static S3ProxyLauncher s3proxy;

    @BeforeAll
    static void startS3() throws Exception {
        s3proxy = S3ProxyLauncher.start(Path.of("..", "server", "src", "test", "s3proxy", "pom.xml"),
                shared.resolve("s3proxy"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    @Test
    @Timeout(240)
    void signalLossThenS3AndReceiverDownAcrossRoomCloseAndSigtermLoseNothing() throws Exception {
        long t0 = System.nanoTime();
        try (SigtermDrainTest.Hooks hooks = new SigtermDrainTest.Hooks();
             TcpGate hookGate = TcpGate.open(hooks.server.getAddress().getPort());
             TcpGate s3Gate = TcpGate.open(java.net.URI.create(s3proxy.endpoint()).getPort());
             ClientContext ctx = new ClientContext()) {
            Path storage = dir.resolve("recordings");
            Path egressSpool = storage.resolve(".egress-spool");
            Path webhookSpool = storage.resolve(".webhook-spool");
            int port = InProcessServer.freeTcpPort();
            String yaml = "port: " + port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  " + InProcessServer.KEY + ": "
                    + InProcessServer.SECRET + "\nrtc:\n  udp_port: " + InProcessServer.freeUdpPort()
                    + "\n  tcp_port: " + InProcessServer.freeTcpPort() + "\n  node_ip: 127.0.0.1\nlogging:\n  level: info\n"
                    + "room:\n  departure_timeout: 1\n  empty_timeout: 1\n"
                    + "webhook:\n  api_key: " + InProcessServer.KEY + "\n  urls: [\"" + hookGate.endpoint() + "/hook\"]\n";
            Map<String, String> env = Map.of("EGRESS_CONFIG_BODY", "api_key: devkey\napi_secret: secret\n"
                    + "ws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n");
            String ws = "ws://127.0.0.1:" + port;
            Path log1 = dir.resolve("server1.log");
            Path log2 = dir.resolve("server2.log");
            Process server = PackagedServer.start(yaml, env, port, dir, log1);
            List<SimClient> clients = new ArrayList<>();
            try {
                // ---- the meeting: three publishers, each recorded to S3
                SimClient ann = SimClient.connect(ctx, ws, token("ann", s3Gate.endpoint()), T);
                clients.add(ann);
                SimClient bob = SimClient.connect(ctx, ws, token("bob", s3Gate.endpoint()), T);
                clients.add(bob);
                SimClient cid = SimClient.connect(ctx, ws, token("cid", s3Gate.endpoint()), T);
                clients.add(cid);
                String annTrack = ann.publishAudio("mic", T).trackSid;
                String bobTrack = bob.publishAudio("mic", T).trackSid;
                long bobPublishedAt = System.nanoTime();
                String cidTrack = cid.publishAudio("mic", T).trackSid;
                List<String> tracks = List.of(annTrack, bobTrack, cidTrack);
                await("an egress per track started", 30_000, () -> hooks.named("egress_started").stream()
                        .map(e -> e.getEgressInfo().getTrack().getTrackId()).distinct().count() == 3);
                await("ann hears bob and bob hears ann", 30_000,
                        () -> packets(ann, bobTrack) > 50 && packets(bob, annTrack) > 50);

                // ---- bob's signal socket drops; he resumes with the same sid, media and recording go on
                bob.dropSignal();
                awaitLog(log1, "signal closed, participant kept for resume room=" + ROOM + " identity=bob", 15_000);
                long annHeard = packets(ann, bobTrack);
                long bobHeard = packets(bob, annTrack);
                bob.resume(T);
                awaitLog(log1, "participant resumed room=" + ROOM + " identity=bob", 15_000);
                // his media still reaches ann, and ann's reaches him over the ICE-restarted subscriber PC
                await("media both ways after the resume", 30_000,
                        () -> packets(ann, bobTrack) > annHeard + 50 && packets(bob, annTrack) > bobHeard + 50);

                // ---- cid leaves with S3 up: his egress commits as usual
                cid.leave();
                await("cid's egress_ended", 30_000, () -> endedOf(hooks.events, cidTrack) != null);
                assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, endedOf(hooks.events, cidTrack).getEgressInfo().getStatus());

                // ---- S3 and the receiver go away; the others leave and the room closes with both uploads failing
                // cid's room events (participant_left) go out on the room's lane, in parallel with his egress_ended:
                // wait until nothing is in flight, or the gate cuts a delivery the receiver already counted (sent
                // again after the restart: a false duplicate) or lets one in after the count
                int deliveredBefore = WebhookOutboxRestartTest.quiet(hooks);
                s3Gate.down();
                hookGate.down();
                ann.leave();
                bob.leave();
                double bobPublishedS = (System.nanoTime() - bobPublishedAt) / 1e9;
                awaitLog(log1, "room finished room=" + ROOM, 30_000);
                await("ann's and bob's uploads failing and waiting to retry", 90_000, () -> PackagedServer.read(log1).lines()
                        .filter(l -> l.contains("egress upload failed, will retry"))
                        .map(l -> l.replaceAll(".*egressId=(\\S+).*", "$1")).distinct().count() == 2);
                long sigtermAt = System.nanoTime();
                server.destroy(); // SIGTERM
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), "exited after SIGTERM");
                long exitMs = (System.nanoTime() - sigtermAt) / 1_000_000;
                String l1 = PackagedServer.read(log1);
                assertTrue(exitMs < 10_000, "exit " + exitMs + " ms after SIGTERM (docker kills at 10 s); log:\n" + l1);
                assertTrue(l1.contains("jsfu stopped"), "the shutdown hook ran to its end; log:\n" + l1);
                assertEquals(deliveredBefore, hooks.events.size(), "nothing got through the closed gate");
                assertEquals(2, files(egressSpool).stream().filter(f -> f.toString().endsWith(".spool")).count(),
                        "ann's and bob's recordings kept for the next start: " + files(egressSpool));
                assertTrue(!files(webhookSpool).isEmpty(), "undelivered webhooks kept for the next start");
                assertEquals(-1, indexOf(hooks.events, "room_finished"), "no room_finished before the recordings");

                // ---- S3 and the receiver are back; the server starts again on the same storage folder
                s3Gate.up();
                hookGate.up();
                server = PackagedServer.start(yaml, env, port, dir, log2);
                await("room_finished and empty spools", 60_000, () -> indexOf(hooks.events, "room_finished") >= 0
                        && filesQuietly(egressSpool).isEmpty() && filesQuietly(webhookSpool).isEmpty());
                WebhookOutboxRestartTest.quiet(hooks); // room for a duplicate to show up
                String l2 = PackagedServer.read(log2);
                System.out.println("combined faults: sigterm exit ms=" + exitMs + " events=" + names(hooks.events));

                // every event once, by id
                Map<String, Integer> seen = new HashMap<>();
                for (WebhookEvent e : hooks.events) {
                    seen.merge(e.getId(), 1, Integer::sum);
                }
                assertTrue(seen.values().stream().allMatch(n -> n == 1), "an event delivered twice: " + seen + " "
                        + names(hooks.events));
                assertEquals(List.of(), hooks.rejected, "rejected webhooks");
                List<WebhookEvent> ev = List.copyOf(hooks.events);
                for (String identity : List.of("ann", "bob", "cid")) {
                    assertEquals(1, ev.stream().filter(e -> e.getEvent().equals("participant_joined")
                            && e.getParticipant().getIdentity().equals(identity)).count(), identity + " joined once: " + names(ev));
                    assertEquals(1, ev.stream().filter(e -> e.getEvent().equals("participant_left")
                            && e.getParticipant().getIdentity().equals(identity)).count(), identity + " left once: " + names(ev));
                }
                assertEquals(3, ev.stream().filter(e -> e.getEvent().equals("egress_started")).count(),
                        "one egress per track, the resume started none: " + names(ev));
                assertEquals(1, ev.stream().filter(e -> e.getEvent().equals("room_finished")).count(), names(ev).toString());
                int finished = indexOf(ev, "room_finished");
                Map<String, String> oggByTrack = new HashMap<>();
                for (String track : tracks) {
                    List<WebhookEvent> ended = ev.stream().filter(e -> e.getEvent().equals("egress_ended")
                            && e.getEgressInfo().getTrack().getTrackId().equals(track)).toList();
                    assertEquals(1, ended.size(), "one egress_ended for " + track + ": " + names(ev));
                    LivekitEgress.EgressInfo info = ended.get(0).getEgressInfo();
                    assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, info.getStatus(), info.toString());
                    assertTrue(ev.indexOf(ended.get(0)) < finished, "room_finished after every egress_ended: " + names(ev));
                    oggByTrack.put(track, info.getFileResults(0).getFilename());
                }
                assertTrue(l2.contains("egress recovered egressId="), "the restart recovered the kept uploads; log:\n" + l2);

                // the bucket: each recording decodable, one manifest per recording
                Path bucketRoom = s3proxy.data().resolve(S3ProxyLauncher.BUCKET).resolve("faults").resolve(ROOM);
                List<Path> objects = files(bucketRoom);
                List<Path> oggs = objects.stream().filter(f -> f.toString().endsWith(".ogg")).toList();
                List<Path> manifests = objects.stream().filter(f -> f.toString().endsWith(".json")).toList();
                assertEquals(3, oggs.size(), "3 recordings: " + objects);
                assertEquals(oggs.size(), manifests.size(), "one manifest per recording: " + objects);
                for (String track : tracks) {
                    Path ogg = s3proxy.data().resolve(S3ProxyLauncher.BUCKET).resolve(oggByTrack.get(track));
                    assertTrue(oggs.contains(ogg), ogg + " in " + objects);
                    double seconds = decodable(ogg);
                    if (track.equals(bobTrack)) { // one recording across the signal loss, not cut at the drop
                        assertTrue(seconds >= bobPublishedS - 2, "bob's recording " + seconds + " s of " + bobPublishedS + " s");
                    }
                }
                for (Path m : manifests) {
                    Manifest mf = Manifest.fromJson(Files.readAllBytes(m));
                    assertEquals(mf.egressId() + ".json", m.getFileName().toString());
                    assertEquals(ROOM, mf.roomName());
                    assertEquals(oggByTrack.get(mf.trackId()), mf.files().get(0).filename(), mf.toString());
                }
                assertEquals(List.of(), files(egressSpool), "egress spool at the end");
                assertEquals(List.of(), files(webhookSpool), "webhook spool at the end");
                server.destroy();
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), "second server exited");
                System.out.println("combined faults test took ms=" + (System.nanoTime() - t0) / 1_000_000);
            } finally {
                server.destroyForcibly();
                for (SimClient c : clients) {
                    c.close();
                }
            }
        }
    }

    private static String token(String identity, String s3Endpoint) {
        LivekitEgress.AutoTrackEgress.Builder auto = LivekitEgress.AutoTrackEgress.newBuilder()
                .setFilepath("faults/{room_name}/{publisher_identity}-{track_id}.ogg")
                .setS3(LivekitEgress.S3Upload.newBuilder().setAccessKey(S3ProxyLauncher.ACCESS)
                        .setSecret(S3ProxyLauncher.SECRET).setBucket(S3ProxyLauncher.BUCKET).setRegion("us-east-1")
                        .setEndpoint(s3Endpoint).setForcePathStyle(true));
        AccessToken t = new AccessToken(InProcessServer.KEY, InProcessServer.SECRET);
        t.setIdentity(identity);
        t.setName(identity);
        t.addGrants(new RoomJoin(true), new RoomName(ROOM), new CanPublish(true), new CanSubscribe(true));
        t.setRoomConfiguration(LivekitRoom.RoomConfiguration.newBuilder().setDepartureTimeout(1).setEmptyTimeout(1)
                .setEgress(LivekitRoom.RoomEgress.newBuilder().setTracks(auto)).build());
        return t.toJwt();
    }

    private static long packets(SimClient c, String trackSid) {
        TrackStats t = c.receivedTrack(trackSid);
        return t == null ? 0 : t.packets();
    }

    /** opusinfo and ffprobe both read the file without an error, and ffprobe sees one Opus stream; its seconds. */
    private static double decodable(Path ogg) throws Exception {
        Process oi = new ProcessBuilder("opusinfo", ogg.toString()).redirectErrorStream(true).start();
        String oiOut = new String(oi.getInputStream().readAllBytes());
        assertTrue(oi.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, oi.exitValue(), "opusinfo " + ogg + ":\n" + oiOut);
        assertTrue(!oiOut.contains("WARNING"), "opusinfo warns on " + ogg + ":\n" + oiOut);
        Process fp = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,duration",
                "-of", "csv=p=0", ogg.toString()).redirectErrorStream(true).start();
        String fpOut = new String(fp.getInputStream().readAllBytes()).trim();
        assertTrue(fp.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, fp.exitValue(), "ffprobe " + ogg + ":\n" + fpOut);
        assertTrue(fpOut.startsWith("opus,"), "ffprobe on " + ogg + ": " + fpOut);
        double seconds = Double.parseDouble(fpOut.substring("opus,".length()).trim());
        assertTrue(seconds >= 1.0, "ffprobe duration " + seconds + " s of " + ogg);
        System.out.println("recording " + ogg.getFileName() + " bytes=" + Files.size(ogg) + " ffprobeS=" + seconds);
        return seconds;
    }

    private static void await(String what, long timeoutMs, BooleanSupplier cond) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (!cond.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < until, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Waits until {@code log} has a line containing {@code text}. */
    private static void awaitLog(Path log, String text, long timeoutMs) throws Exception {
        long until = System.currentTimeMillis() + timeoutMs;
        while (PackagedServer.read(log).lines().noneMatch(l -> l.contains(text))) {
            assertTrue(System.currentTimeMillis() < until, "'" + text + "' in the log:\n" + PackagedServer.read(log));
            Thread.sleep(100);
        }
    }

    private static WebhookEvent endedOf(List<WebhookEvent> ev, String trackSid) {
        return ev.stream().filter(e -> e.getEvent().equals("egress_ended")
                && e.getEgressInfo().getTrack().getTrackId().equals(trackSid)).findFirst().orElse(null);
    }

    private static int indexOf(List<WebhookEvent> ev, String name) {
        return SigtermDrainTest.indexOf(List.copyOf(ev), name, ROOM);
    }

    private static List<String> names(List<WebhookEvent> ev) {
        return SigtermDrainTest.names(ev);
    }

    private static List<Path> files(Path root) throws Exception {
        return SigtermDrainTest.files(root);
    }

    private static List<Path> filesQuietly(Path root) {
        try {
            return files(root);
        } catch (Exception e) {
            return List.of(root); // being changed: not empty yet
        }
    }
}
