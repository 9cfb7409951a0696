package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.Stream;
import livekit.LivekitEgress;
import livekit.LivekitRoom;
import livekit.LivekitWebhook.WebhookEvent;
import org.jsfu.bench.client.ClientContext;
import org.jsfu.bench.client.SimClient;
import org.jsfu.signaling.webhook.WebhookOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook receiver refuses connections while the packaged server gets SIGTERM (its container was stopped
 * first, as {@code docker compose down} may do): the server still exits within its drain bound, and the
 * events it could not deliver (participant_left, egress_ended, room_finished...) are in
 * {@code <storage_dir>/.webhook-spool}. Started again with the receiver back, it sends each of them once,
 * room_finished after its room's egress_ended, and the outbox ends empty.
 */
class WebhookOutboxRestartTest {
    private static final Duration T = Duration.ofSeconds(15);
    private static final String ROOM = "outbox-room";

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void webhooksUndeliveredAtSigtermAreSentOnceAtTheNextStart() throws Exception {
        try (SigtermDrainTest.Hooks hooks = new SigtermDrainTest.Hooks();
             TcpGate gate = TcpGate.open(hooks.server.getAddress().getPort());
             ClientContext ctx = new ClientContext()) {
            Path storage = dir.resolve("recordings");
            Path outbox = storage.resolve(".webhook-spool");
            int port = InProcessServer.freeTcpPort();
            String yaml = "port: " + port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  " + InProcessServer.KEY + ": "
                    + InProcessServer.SECRET + "\nrtc:\n  udp_port: " + InProcessServer.freeUdpPort()
                    + "\n  tcp_port: " + InProcessServer.freeTcpPort() + "\n  node_ip: 127.0.0.1\nlogging:\n  level: info\n"
                    + "webhook:\n  api_key: " + InProcessServer.KEY + "\n  urls: [\"" + gate.endpoint() + "/hook\"]\n";
            Map<String, String> env = Map.of("EGRESS_CONFIG_BODY", "api_key: devkey\napi_secret: secret\n"
                    + "ws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n");
            Process server = PackagedServer.start(yaml, env, port, dir, dir.resolve("server.log"));
            SimClient alice = null;
            try {
                alice = SimClient.connect(ctx, "ws://127.0.0.1:" + port, token(), T);
                SimClient.Outgoing track = alice.publishAudio("mic", T);
                Thread.sleep(3_000);
                assertTrue(alice.outgoing(track.trackSid).source.sent() > 100, "audio published");
                awaitEvent(hooks, "track_published", 10_000);
                int deliveredBefore = quiet(hooks); // egress_started and the like are through too

                gate.down(); // the receiver is gone: connections refused
                long t0 = System.nanoTime();
                server.destroy();
                assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exited");
                long exitMs = (System.nanoTime() - t0) / 1_000_000;
                String log = PackagedServer.read(dir.resolve("server.log"));
                System.out.println("sigterm with the webhook receiver down: exit after ms=" + exitMs + " "
                        + log.lines().filter(l -> l.contains("jsfu stopped") || l.contains("WebhookNotifier")).toList());
                assertTrue(exitMs < 9_000, "exit " + exitMs + " ms after SIGTERM (drain bound 8 s); log:\n" + log);
                assertTrue(log.contains("jsfu stopped"), "the shutdown hook ran to its end; log:\n" + log);
                assertEquals(deliveredBefore, hooks.events.size(), "nothing got through the closed gate");

                List<WebhookOutbox.Kept> kept = new WebhookOutbox(outbox, WebhookOutbox.Limits.DEFAULTS,
                        System::currentTimeMillis).load();
                List<String> keptNames = kept.stream().map(k -> k.event().getEvent()).toList();
                System.out.println("outbox after SIGTERM: " + keptNames);
                for (String name : List.of("participant_left", "egress_ended", "room_finished")) {
                    assertTrue(keptNames.contains(name), name + " kept in the outbox: " + keptNames + "; log:\n" + log);
                }
                for (WebhookOutbox.Kept k : kept) {
                    String raw = new String(Files.readAllBytes(k.file()), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertFalse(raw.contains(InProcessServer.SECRET), "no secret in " + k.file());
                }
                List<String> keptIds = kept.stream().map(k -> k.event().getId()).toList();

                // the receiver is back; the server starts again
                gate.up();
                server = PackagedServer.start(yaml, env, port, dir, dir.resolve("server2.log"));
                awaitEvent(hooks, "room_finished", 30_000);
                long until = System.currentTimeMillis() + 15_000;
                while (!files(outbox).isEmpty() && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_500); // room for a duplicate to show up
                String log2 = PackagedServer.read(dir.resolve("server2.log"));
                assertEquals(List.of(), files(outbox), "outbox after the restart; log:\n" + log2);
                assertEquals(List.of(), hooks.rejected, "rejected webhooks");
                List<WebhookEvent> after = List.copyOf(hooks.events).subList(deliveredBefore, hooks.events.size());
                Map<String, Integer> seen = new HashMap<>();
                for (WebhookEvent e : hooks.events) {
                    seen.merge(e.getId(), 1, Integer::sum);
                }
                for (String id : keptIds) {
                    assertEquals(1, seen.getOrDefault(id, 0), "kept event " + id + " delivered once: " + names(after));
                }
                assertTrue(seen.values().stream().allMatch(c -> c == 1), "no event delivered twice: " + seen);
                List<String> afterNames = after.stream().map(WebhookEvent::getEvent).toList();
                int finished = afterNames.indexOf("room_finished");
                assertTrue(afterNames.indexOf("egress_ended") >= 0 && afterNames.indexOf("egress_ended") < finished,
                        "egress_ended before room_finished: " + names(after));
                assertTrue(afterNames.indexOf("participant_left") < finished, "participant_left first: " + names(after));
                WebhookEvent ended = after.stream().filter(e -> e.getEvent().equals("egress_ended")).findFirst().orElseThrow();
                assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, ended.getEgressInfo().getStatus());
                assertTrue(Files.isRegularFile(storage.resolve(ended.getEgressInfo().getFileResults(0).getFilename())),
                        "the recording the kept egress_ended names");

                server.destroy();
                assertTrue(server.waitFor(15, TimeUnit.SECONDS), "second server exited");
                assertEquals(List.of(), files(outbox), "nothing kept when the receiver is up");
            } finally {
                server.destroyForcibly();
                if (alice != null) {
                    alice.close();
                }
            }
        }
    }

    private static String token() {
        AccessToken t = new AccessToken(InProcessServer.KEY, InProcessServer.SECRET);
        t.setIdentity("alice");
        t.setName("alice");
        t.addGrants(new RoomJoin(true), new RoomName(ROOM), new CanPublish(true), new CanSubscribe(true));
        t.setRoomConfiguration(LivekitRoom.RoomConfiguration.newBuilder().setEgress(LivekitRoom.RoomEgress.newBuilder()
                .setTracks(LivekitEgress.AutoTrackEgress.newBuilder().setFilepath("outbox/{room_name}/{track_id}.ogg")))
                .build());
        return t.toJwt();
    }

    private static void awaitEvent(SigtermDrainTest.Hooks hooks, String name, long ms) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (hooks.named(name).isEmpty()) {
            assertTrue(System.currentTimeMillis() < until, name + " not received: " + names(hooks.events));
            Thread.sleep(50);
        }
    }

    /** The number of events received once none arrived for 700 ms. */
    static int quiet(SigtermDrainTest.Hooks hooks) throws InterruptedException {
        int n = -1;
        while (n != hooks.events.size()) {
            n = hooks.events.size();
            Thread.sleep(700);
        }
        return n;
    }

    private static List<String> names(List<WebhookEvent> ev) {
        List<String> out = new ArrayList<>();
        for (WebhookEvent e : ev) {
            out.add(e.getEvent() + "(" + e.getId() + ")");
        }
        return out;
    }

    private static List<Path> files(Path root) throws Exception {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.toList();
        }
    }
}
