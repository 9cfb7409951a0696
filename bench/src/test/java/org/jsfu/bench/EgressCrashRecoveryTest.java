package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.EgressServiceClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import livekit.LivekitEgress;
import org.jsfu.bench.client.ClientContext;
import org.jsfu.bench.client.SimClient;
import org.jsfu.bench.client.Tokens;
import org.jsfu.egress.Manifest;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A track egress to a local folder survives a SIGKILLed server: the server runs in a child JVM (egress.yaml
 * from EGRESS_CONFIG_BODY), a SimClient publishes Opus-shaped audio, StartTrackEgress records it, the server
 * is killed after ~5 s and started again on the same folder, and its startup recovery must leave a valid,
 * finished Ogg Opus file holding the recorded audio (>= elapsed - 3 s) with its {@code <egress_id>.json} manifest beside it,
 * and send egress_ended (COMPLETE, with room and track) to the webhook; ListEgress then shows it in its room.
 */
class EgressCrashRecoveryTest {
    private static final Duration T = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void recordingOfAKilledServerIsFinishedAtTheNextStart() throws Exception {
        Path storage = dir.resolve("recordings");
        int port = InProcessServer.freeTcpPort();
        int udp = InProcessServer.freeUdpPort();
        String yaml = "port: " + port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  " + InProcessServer.KEY + ": "
                + InProcessServer.SECRET + "\nrtc:\n  udp_port: " + udp + "\n  tcp_port: " + InProcessServer.freeTcpPort() + "\n  node_ip: 127.0.0.1\nlogging:\n  level: info\n";
        String egressYaml = "api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n";
        // webhook receiver: the restarted server reports the recovered egress as egress_ended
        java.util.concurrent.LinkedBlockingQueue<String> hooks = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer hookServer = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        hookServer.createContext("/", x -> {
            hooks.add(new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        hookServer.start();
        yaml += "webhook:\n  api_key: " + InProcessServer.KEY + "\n  urls: [\"http://127.0.0.1:"
                + hookServer.getAddress().getPort() + "/\"]\n";
        List<Process> started = new ArrayList<>();
        String egressId;
        String trackSid;
        String room = "crash-room";
        try {
            Process first = startServer(yaml, egressYaml, port, dir.resolve("server1.log"), started);
            long killedAt;
            long egressStart;
            try (ClientContext ctx = new ClientContext()) {
                String ws = "ws://127.0.0.1:" + port;
                SimClient pub = SimClient.connect(ctx, ws,
                        Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, room, "pub", true, true), T);
                SimClient.Outgoing track = pub.publishAudio("mic", T);
                EgressServiceClient eg = EgressServiceClient.createClient("http://127.0.0.1:" + port,
                        InProcessServer.KEY, InProcessServer.SECRET);
                LivekitEgress.DirectFileOutput out = LivekitEgress.DirectFileOutput.newBuilder()
                        .setFilepath("crash/{track_id}.ogg").build();
                egressStart = System.nanoTime();
                var resp = eg.startTrackEgress(room, out, track.trackSid).execute();
                assertEquals(200, resp.code(), "StartTrackEgress");
                assertNotNull(resp.body());
                egressId = resp.body().getEgressId();
                trackSid = track.trackSid;
                Thread.sleep(5_000);
                assertTrue(track.source.sent() > 200, "audio was published: " + track.source.sent());
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit
                killedAt = System.nanoTime();
                assertTrue(first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            double elapsed = (killedAt - egressStart) / 1e9;
            assertTrue(leftovers(storage).stream().anyMatch(p -> p.toString().endsWith(".part")),
                    "the kill left an unfinished .part file: " + leftovers(storage));

            startServer(yaml, egressYaml, port, dir.resolve("server2.log"), started);
            Path ogg = null;
            long until = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < until) {
                List<Path> files = leftovers(storage);
                // recovered: no .part left and the spool state gone (it is removed after the manifest is stored)
                if (files.stream().noneMatch(p -> p.toString().endsWith(".part") || p.startsWith(storage.resolve(".egress-spool")))) {
                    ogg = files.stream().filter(p -> p.toString().endsWith(".ogg")).findFirst().orElse(null);
                    if (ogg != null) break;
                }
                Thread.sleep(100);
            }
            assertNotNull(ogg, "recovered .ogg in " + leftovers(storage) + "; log:\n" + Files.readString(dir.resolve("server2.log")));
            OggOpusReader.OggOpusFile f;
            try (InputStream in = Files.newInputStream(ogg)) {
                f = OggOpusReader.read(in);
            }
            System.out.println("recovered file=" + ogg.getFileName() + " bytes=" + Files.size(ogg) + " durationS="
                    + f.durationSeconds() + " elapsedS=" + elapsed);
            assertTrue(f.pages().get(f.pages().size() - 1).eos(), "last page has EOS");
            assertTrue(f.durationSeconds() >= elapsed - 3, "duration " + f.durationSeconds() + " s of " + elapsed + " s");
            assertTrue(f.durationSeconds() <= elapsed + 1, "duration " + f.durationSeconds() + " s of " + elapsed + " s");
            assertEquals(0, new ProcessBuilder("opusinfo", ogg.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(), "opusinfo accepts " + ogg);
            // the manifest a commit writes, beside the recovered file
            Path manifestFile = ogg.resolveSibling(egressId + ".json");
            assertTrue(Files.isRegularFile(manifestFile), "manifest beside the recovered file: " + leftovers(storage));
            Manifest mf = Manifest.fromJson(Files.readAllBytes(manifestFile));
            assertEquals(egressId, mf.egressId());
            assertEquals(room, mf.roomName());
            assertTrue(mf.roomId().startsWith("RM_"), mf.toString());
            assertEquals("pub", mf.publisherIdentity());
            assertEquals(trackSid, mf.trackId());
            assertEquals("audio", mf.trackKind());
            assertEquals(1, mf.files().size());
            assertEquals(storage.relativize(ogg).toString(), mf.files().get(0).filename());
            assertEquals(ogg.toRealPath().toString(), Path.of(mf.files().get(0).location()).toRealPath().toString());
            assertTrue(mf.endedAt() - mf.startedAt() >= (long) ((elapsed - 3) * 1e9), mf.toString());
            assertTrue(Files.readString(dir.resolve("server2.log")).contains("egress recovered egressId=" + egressId),
                    "the restarted server logs the recovery");
            String ended = null;
            long hookUntil = System.currentTimeMillis() + 10_000;
            while (ended == null && System.currentTimeMillis() < hookUntil) {
                String h = hooks.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (h != null && h.contains("egress_ended")) ended = h;
            }
            assertNotNull(ended, "egress_ended webhook after the restart");
            assertTrue(ended.contains(egressId) && ended.contains("EGRESS_COMPLETE") && ended.contains("crash/"),
                    "egress_ended reports the recovered file: " + ended);
            // the spool state kept what the webhook needs: room, track, the file's start
            livekit.LivekitWebhook.WebhookEvent.Builder ev = livekit.LivekitWebhook.WebhookEvent.newBuilder();
            com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(ended, ev);
            LivekitEgress.EgressInfo info = ev.getEgressInfo();
            assertEquals(room, info.getRoomName(), "room_name in egress_ended: " + ended);
            assertTrue(info.getRoomId().startsWith("RM_"), "room_id in egress_ended: " + ended);
            assertEquals(trackSid, info.getTrack().getTrackId(), "track_id in egress_ended: " + ended);
            assertEquals(1, info.getFileResultsCount());
            assertTrue(info.getFileResults(0).getFilename().startsWith("crash/" + trackSid), ended);
            assertTrue(info.getFileResults(0).getDuration() >= (long) ((elapsed - 3) * 1e9), ended);
            // and ListEgress of the restarted server shows it, finished, in its room
            EgressServiceClient eg2 = EgressServiceClient.createClient("http://127.0.0.1:" + port,
                    InProcessServer.KEY, InProcessServer.SECRET);
            var listed = eg2.listEgress(room).execute();
            assertEquals(200, listed.code(), "ListEgress");
            assertNotNull(listed.body());
            assertEquals(1, listed.body().size(), "ListEgress after the restart: " + listed.body());
            assertEquals(egressId, listed.body().get(0).getEgressId());
            assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, listed.body().get(0).getStatus());
            assertEquals(trackSid, listed.body().get(0).getTrack().getTrackId());
        } finally {
            hookServer.stop(0);
            for (Process p : started) { p.destroyForcibly(); p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS); }
        }
    }

    private static List<Path> leftovers(Path storage) throws Exception {
        if (!Files.isDirectory(storage)) return List.of();
        try (Stream<Path> s = Files.walk(storage)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static Process startServer(String yaml, String egressYaml, int port, Path log, List<Process> started)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.jsfu.server.Main", "--config-body", yaml, "--dev");
        pb.environment().put("EGRESS_CONFIG_BODY", egressYaml);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        started.add(p);
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            assertTrue(p.isAlive(), () -> "server exited: " + read(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return p;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("server did not listen: " + read(log));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
