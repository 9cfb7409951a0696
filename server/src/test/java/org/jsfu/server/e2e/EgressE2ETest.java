package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.AccessToken;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomCreate;
import io.livekit.server.RoomServiceClient;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.jsfu.conf.EgressConfigLoader;
import org.jsfu.server.JsfuServer;
import org.jsfu.server.testparts.WebhookSink;
import org.jsfu.server.testparts.S3ProxyProcess;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Track egress end to end: jsfu in-process with its real media plane, s3proxy as S3, two livekit-client
 * pages in Chromium (e2e/tests/egress.test.mjs), the Kotlin SDK's EgressServiceClient for the API and a
 * webhook receiver. Files are checked with opusinfo, ffprobe and an ffmpeg decode.
 */
class EgressE2ETest {
    static final Pattern KEY = Pattern.compile(
            "^livekit/(?<room>[^/]+)/(?<identity>.+?)-(?<ts>\\d{4}-\\d{2}-\\d{2}T\\d{6})-(?<track>TR_\\w+)\\.(?<ext>\\w+)$");
    static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss");
    static final String BUCKET = "egress-e2e";

    private static JsfuServer server;
    private static WebhookSink hook;
    private static S3ProxyProcess s3;
    private static MinioClient minio;
    private static Path storage;
    private static List<LivekitWebhook.WebhookEvent> events;
    private static List<String> rejected;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start();
        minio = MinioClient.builder().endpoint(s3.endpoint()).region("us-east-1")
                .credentials(s3.accessKey(), s3.secretKey()).build();
        minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        hook = WebhookSink.start("devkey", "secret");
        events = hook.events;
        rejected = hook.rejected;
        storage = Files.createTempDirectory("jsfu-egress-local-").resolve("files");
        E2eServer e2e = E2eServer.start("", hook.port(), EgressConfigLoader.parse("api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n", Map.of()));
        server = e2e.server;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (hook != null) {
            hook.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.port();
    }

    private static String token(boolean record, boolean create) {
        AccessToken t = new AccessToken("devkey", "secret");
        t.setIdentity("api");
        if (record) {
            t.addGrants(new io.livekit.server.RoomRecord(true));
        }
        if (create) {
            t.addGrants(new RoomCreate(true));
        }
        if (!record && !create) {
            t.addGrants(new io.livekit.server.RoomList(true));
        }
        return t.toJwt();
    }

    private HttpResponse<String> twirp(String method, String json, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/twirp/" + method))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void autoTrackEgressToS3AndApiEgressToLocalFolder() throws Exception {
        String room = "egress-" + Long.toString(System.currentTimeMillis(), 36);
        String create = "{\"name\":\"" + room + "\",\"empty_timeout\":20,\"departure_timeout\":2,\"egress\":{\"tracks\":{"
                + "\"filepath\":\"livekit/{room_name}/{publisher_identity}-{time}\",\"s3\":{\"access_key\":\""
                + s3.accessKey() + "\",\"secret\":\"" + s3.secretKey() + "\",\"region\":\"us-east-1\",\"endpoint\":\""
                + s3.endpoint() + "\",\"bucket\":\"" + BUCKET + "\",\"force_path_style\":true}}}}";
        HttpResponse<String> created = twirp("livekit.RoomService/CreateRoom", create, token(false, true));
        assertEquals(200, created.statusCode(), created.body());

        Path timeline = Files.createTempFile("egress-timeline", ".json");
        CompletableFuture<Void> browsers = CompletableFuture.runAsync(() -> {
            try {
                NodeTestRunner.forE2e().env("LK_URL", "ws://127.0.0.1:" + server.port())
                        .env("LK_API_KEY", "devkey").env("LK_API_SECRET", "secret")
                        .env("EGRESS_ROOM", room).env("EGRESS_TIMELINE", timeline.toString())
                        .timeout(Duration.ofSeconds(90)).runAndAssertPass("tests/egress.test.mjs");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        // ---- API: grants, errors, StartTrackEgress to the local folder, ListEgress, StopEgress ----
        RoomServiceClient rooms = RoomServiceClient.createClient(url(), "devkey", "secret");
        EgressServiceClient eg = EgressServiceClient.createClient(url(), "devkey", "secret");
        String aliceTrack = null;
        long until = System.currentTimeMillis() + 30_000;
        while (aliceTrack == null && System.currentTimeMillis() < until && !browsers.isDone()) {
            var ps = rooms.listParticipants(room).execute().body();
            for (LivekitModels.ParticipantInfo p : ps == null ? List.<LivekitModels.ParticipantInfo>of() : ps) {
                for (LivekitModels.TrackInfo t : p.getTracksList()) {
                    if (p.getIdentity().equals("alice") && t.getType() == LivekitModels.TrackType.AUDIO) {
                        aliceTrack = t.getSid();
                    }
                }
            }
            Thread.sleep(100);
        }
        assertNotNull(aliceTrack, "alice published audio");
        String startJson = "{\"room_name\":\"" + room + "\",\"track_id\":\"" + aliceTrack + "\",\"file\":{\"filepath\":\"x\"}}";
        HttpResponse<String> noGrant = twirp("livekit.Egress/StartTrackEgress", startJson, token(false, false));
        assertEquals(401, noGrant.statusCode(), noGrant.body());
        assertTrue(noGrant.body().contains("unauthenticated"), noGrant.body());
        LivekitEgress.DirectFileOutput local = LivekitEgress.DirectFileOutput.newBuilder()
                .setFilepath("/../../escape/{publisher_identity}/..\u0000/\napi-{track_id}").build();
        var noRoom = eg.startTrackEgress("no-such-room", local, aliceTrack).execute();
        assertEquals(404, noRoom.code());
        var noTrack = eg.startTrackEgress(room, local, "TR_doesnotexist1").execute();
        assertEquals(404, noTrack.code());
        var ws = eg.startTrackEgress(room, "ws://127.0.0.1:1/x", aliceTrack).execute();
        assertEquals(501, ws.code());
        var badArgs = twirp("livekit.Egress/StartTrackEgress", "{\"room_name\":\"" + room + "\"}", token(true, false));
        assertEquals(400, badArgs.statusCode(), badArgs.body());
        LivekitEgress.EgressInfo apiInfo = eg.startTrackEgress(room, local, aliceTrack).execute().body();
        assertNotNull(apiInfo);
        assertTrue(apiInfo.getEgressId().matches("EG_[0-9A-Za-z]{12}"), apiInfo.getEgressId());
        assertEquals(LivekitEgress.EgressStatus.EGRESS_STARTING, apiInfo.getStatus());
        assertEquals(aliceTrack, apiInfo.getTrack().getTrackId());
        String apiId = apiInfo.getEgressId();
        Thread.sleep(2500);
        List<LivekitEgress.EgressInfo> listed = eg.listEgress(room).execute().body();
        assertTrue(listed.stream().anyMatch(i -> i.getEgressId().equals(apiId)
                && i.getStatus() == LivekitEgress.EgressStatus.EGRESS_ACTIVE), listed.toString());
        assertTrue(listed.size() >= 2, "the auto egress is listed too: " + listed);
        assertEquals(1, eg.listEgress(room, apiId).execute().body().size());
        for (LivekitEgress.EgressInfo i : listed) {
            assertTrue(i.getTrack().getFile().getS3().getSecret().isEmpty()
                    || i.getTrack().getFile().getS3().getSecret().equals("{redacted}"), "secret redacted");
        }
        LivekitEgress.EgressInfo stopped = eg.stopEgress(apiId).execute().body();
        assertNotNull(stopped);
        assertTrue(stopped.getStatus() == LivekitEgress.EgressStatus.EGRESS_ENDING
                || stopped.getStatus() == LivekitEgress.EgressStatus.EGRESS_COMPLETE, stopped.getStatus().toString());

        browsers.get(); // the node scenario passed
        JsonNode t = new ObjectMapper().readTree(Files.readString(timeline));

        // ---- room_finished after both egress_ended ----
        until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until && indexOf("room_finished", room) < 0) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), rejected);
        int finished = indexOf("room_finished", room);
        assertTrue(finished >= 0, "room_finished webhook");

        // API egress: COMPLETE, confined to the local folder
        LivekitEgress.EgressInfo apiDone = eg.listEgress(room, apiId).execute().body().get(0);
        assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, apiDone.getStatus(), apiDone.getError());
        assertEquals("StopEgress API", apiDone.getDetails());
        assertEquals("escape/alice/api-" + aliceTrack + ".ogg", apiDone.getFileResults(0).getFilename());
        Path apiFile = storage.resolve(apiDone.getFileResults(0).getFilename());
        assertTrue(Files.size(apiFile) > 1000);
        assertTrue(Files.exists(apiFile.resolveSibling(apiId + ".json")));
        assertEquals(apiFile.toRealPath().toString(), apiDone.getFileResults(0).getLocation());
        assertTrue(!Files.exists(storage.getParent().resolve("escape")), "nothing written outside the folder");
        assertTrue(eg.listEgress(room, null, true).execute().body().isEmpty(), "no active egress left");

        // ---- the auto egress webhooks ----
        List<LivekitWebhook.WebhookEvent> ended = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            LivekitWebhook.WebhookEvent e = events.get(i);
            if (e.getEvent().equals("egress_ended") && e.getEgressInfo().getRoomName().equals(room)) {
                assertTrue(i < finished, "egress_ended before room_finished");
                if (!e.getEgressInfo().getEgressId().equals(apiId)) {
                    ended.add(e);
                }
            }
        }
        assertEquals(2, ended.size(), "one auto egress per audio track: " + ended);
        assertEquals(3, events.stream().filter(e -> e.getEvent().equals("egress_started")
                && e.getEgressInfo().getRoomName().equals(room)).count());

        // ---- the bucket: one .ogg and one manifest per audio track, nothing else ----
        List<String> keys = new ArrayList<>();
        for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(BUCKET).recursive(true).build())) {
            keys.add(r.get().objectName());
        }
        assertEquals(4, keys.size(), "two .ogg, two manifests: " + keys);
        Map<String, Double> offAbs = new java.util.HashMap<>();
        Map<String, Double> onAbs = new java.util.HashMap<>();
        for (LivekitWebhook.WebhookEvent e : ended) {
            LivekitEgress.EgressInfo info = e.getEgressInfo();
            assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, info.getStatus(), info.getError());
            LivekitEgress.FileInfo f = info.getFileResults(0);
            String key = f.getFilename();
            assertTrue(keys.contains(key), key + " in " + keys);
            String manifestKey = key.substring(0, key.lastIndexOf('/') + 1) + info.getEgressId() + ".json";
            assertTrue(keys.contains(manifestKey), manifestKey);
            try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET).object(manifestKey).build())) {
                org.jsfu.egress.Manifest mf = org.jsfu.egress.Manifest.fromJson(in.readAllBytes());
                assertEquals(info.getEgressId(), mf.egressId());
                assertEquals(key, mf.files().get(0).filename());
                assertEquals(f.getLocation(), mf.files().get(0).location());
                assertEquals(room, mf.roomName());
            }
            assertEquals(s3.endpoint() + "/" + BUCKET + "/" + key, f.getLocation());
            Matcher m = KEY.matcher(key);
            assertTrue(m.matches(), key);
            assertEquals(room, m.group("room"));
            assertEquals("ogg", m.group("ext"));
            String who = m.group("identity");
            long keyMs = LocalDateTime.parse(m.group("ts"), KEY_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            assertEquals(keyMs * 1_000_000L, f.getStartedAt(), "key time is the file start");
            Path oggFile = Files.createTempFile("egress-" + who, ".ogg");
            try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
                Files.copy(in, oggFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertEquals(f.getSize(), Files.size(oggFile));
            assertEquals(0, new ProcessBuilder("opusinfo", oggFile.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(), "opusinfo accepts " + key);
            Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "csv=p=0", oggFile.toString()).start();
            double probed = Double.parseDouble(new String(probe.getInputStream().readAllBytes()).trim());
            assertEquals(0, probe.waitFor());
            double expected = (f.getEndedAt() - f.getStartedAt()) / 1e9;
            AudioAnalysis a = AudioAnalysis.decode(oggFile);
            double publishedAt = t.get(who.equals("alice") ? "aPublished" : "bPublished").asLong() / 1000.0;
            double leftAt = t.get("leaveStart").asLong() / 1000.0;
            double key0 = keyMs / 1000.0;
            System.out.printf("egress %s key=%s ffprobe=%.3f s decoded=%.3f s started..ended=%.3f s "
                    + "duration=%.3f s published..left (node)=%.3f s file end - leave=%.0f ms%n", who, key, probed,
                    a.seconds(), expected, f.getDuration() / 1e9, leftAt - publishedAt,
                    (f.getEndedAt() / 1e9 - leftAt) * 1000);
            assertEquals(expected, probed, 0.1, "ffprobe duration vs started_at..ended_at");
            assertEquals(expected, a.seconds(), 0.1, "decoded duration");
            assertEquals(f.getDuration() / 1e9, expected, 0.1);
            assertTrue(Math.abs(f.getEndedAt() / 1e9 - leftAt) < 1.0, "file ends when the publisher left");
            assertTrue(key0 <= publishedAt && publishedAt - key0 < 3.0, "file starts before publish completed");
            // tone outside the mute, silence inside it
            double mute0 = t.get("muteEnd").asLong() / 1000.0 - key0;
            double unmute0 = t.get("unmuteStart").asLong() / 1000.0 - key0;
            // the browser's first audio can trail the publish event by a few hundred ms on a loaded machine
            double tone1 = publishedAt - key0 + 1.0;
            double tone1End = t.get("muteStart").asLong() / 1000.0 - key0 - 0.3;
            assertEquals(440, a.frequency(tone1, tone1End), 15, who + " tone before the mute");
            assertTrue(a.rms((int) (tone1 * 48000), (int) ((tone1End - tone1) * 48000)) > 0.02, who + " loud");
            assertTrue(a.rms((int) ((mute0 + 0.3) * 48000), (int) ((unmute0 - mute0 - 0.4) * 48000)) < 0.005,
                    who + " silent while muted");
            double tone2 = t.get("unmuteEnd").asLong() / 1000.0 - key0 + 0.4;
            double tone2End = leftAt - key0 - 0.3;
            assertEquals(440, a.frequency(tone2, tone2End), 15, who + " tone after the mute");
            double off = a.lastLoudBefore(a.firstEdge(t.get("muteStart").asLong() / 1000.0 - key0 - 0.3, false));
            double on = a.firstLoudAfter(a.firstEdge(t.get("unmuteStart").asLong() / 1000.0 - key0 - 0.3, true));
            // relative to the instant this publisher's own page muted / unmuted
            offAbs.put(who, key0 + off - t.get("muteAt").get(who).asLong() / 1000.0);
            onAbs.put(who, key0 + on - t.get("unmuteAt").get(who).asLong() / 1000.0);
            System.out.printf("egress %s mute edge %.3f s (node muteStart %+.0f ms), unmute edge %.3f s (node %+.0f ms)%n",
                    who, off, (key0 + off - t.get("muteStart").asLong() / 1000.0) * 1000, on,
                    (key0 + on - t.get("unmuteStart").asLong() / 1000.0) * 1000);
        }
        double offDelta = Math.abs(offAbs.get("alice") - offAbs.get("bob")) * 1000;
        double onDelta = Math.abs(onAbs.get("alice") - onAbs.get("bob")) * 1000;
        System.out.printf("egress alignment by key time (each edge against its page's mute time): mute edge %.1f ms, "
                + "unmute edge %.1f ms; the pages muted %d ms and unmuted %d ms apart%n", offDelta, onDelta,
                t.get("muteAt").get("bob").asLong() - t.get("muteAt").get("alice").asLong(),
                t.get("unmuteAt").get("bob").asLong() - t.get("unmuteAt").get("alice").asLong());
        // Each delta also holds both browsers' own capture pipelines (mute -> last sample, unmute -> first sample:
        // 10 ms capture buffers, the encoder, scheduling): alone they came out 0.8-16 ms, and 35 ms once on a
        // machine loaded by other tests (session 10). 40 ms is still far below a misplaced frame run or LiveKit's
        // ~1 s key-time error, which is what this guards.
        assertTrue(offDelta <= 40, "mute edges align within 40 ms: " + offDelta);
        assertTrue(onDelta <= 40, "unmute edges align within 40 ms: " + onDelta);
    }

    /**
     * S3 refuses the upload (the bucket does not exist): the egress fails at once rather than retrying for minutes
     * as it does when S3 is unreachable (EgressUploadRetryTest, SigtermDrainTest), and room_finished follows its
     * egress_ended FAILED.
     */
    @Test
    void refusedUploadGivesFailedEgressAndRoomFinishedStillFollows() throws Exception {
        String room = "egress-refused-" + Long.toString(System.currentTimeMillis(), 36);
        String create = "{\"name\":\"" + room + "\",\"empty_timeout\":20,\"departure_timeout\":1,\"egress\":{\"tracks\":{"
                + "\"filepath\":\"livekit/{room_name}/{publisher_identity}-{time}\",\"s3\":{\"access_key\":\""
                + s3.accessKey() + "\",\"secret\":\"" + s3.secretKey() + "\",\"region\":\"us-east-1\",\"endpoint\":\""
                + s3.endpoint() + "\",\"bucket\":\"no-such-bucket\",\"force_path_style\":true}}}}";
        HttpResponse<String> created = twirp("livekit.RoomService/CreateRoom", create, token(false, true));
        assertEquals(200, created.statusCode(), created.body());
        Path timeline = Files.createTempFile("egress-timeline", ".json");
        NodeTestRunner.forE2e().env("LK_URL", "ws://127.0.0.1:" + server.port())
                .env("LK_API_KEY", "devkey").env("LK_API_SECRET", "secret").env("EGRESS_SCENARIO", "short")
                .env("EGRESS_ROOM", room).env("EGRESS_TIMELINE", timeline.toString())
                .timeout(Duration.ofSeconds(60)).runAndAssertPass("tests/egress.test.mjs");
        long until = System.currentTimeMillis() + 40_000;
        while (System.currentTimeMillis() < until && indexOf("room_finished", room) < 0) {
            Thread.sleep(100);
        }
        int finished = indexOf("room_finished", room);
        assertTrue(finished >= 0, "room_finished webhook");
        int endedAt = -1;
        for (int i = 0; i < events.size(); i++) {
            LivekitWebhook.WebhookEvent e = events.get(i);
            if (e.getEvent().equals("egress_ended") && e.getEgressInfo().getRoomName().equals(room)) {
                endedAt = i;
                assertEquals(LivekitEgress.EgressStatus.EGRESS_FAILED, e.getEgressInfo().getStatus());
                assertTrue(!e.getEgressInfo().getError().isEmpty(), "error text");
                System.out.println("egress refused-upload error: " + e.getEgressInfo().getError());
            }
        }
        assertTrue(endedAt >= 0 && endedAt < finished, "egress_ended FAILED before room_finished");
        assertEquals(1, events.stream().filter(e -> e.getEvent().equals("egress_started")
                && e.getEgressInfo().getRoomName().equals(room)).count(), "no egress for the camera");
        assertTrue(events.stream().anyMatch(e -> e.getEvent().equals("track_published")
                && e.getRoom().getName().equals(room) && e.getTrack().getType() == LivekitModels.TrackType.VIDEO),
                "the camera was published");
    }

    /**
     * The first user's case: a publisher's signalling WebSocket closes for 3 s and livekit-client resumes.
     * Its auto track egress goes on: one egress (started and ended once, COMPLETE), one file from publish
     * to leave, with the tone all through the outage.
     */
    @Test
    void recordingSurvivesASignalResume() throws Exception {
        String bucket = "egress-resume";
        minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        String room = "egress-resume-" + Long.toString(System.currentTimeMillis(), 36);
        String create = "{\"name\":\"" + room + "\",\"empty_timeout\":20,\"departure_timeout\":1,\"egress\":{\"tracks\":{"
                + "\"filepath\":\"livekit/{room_name}/{publisher_identity}-{time}\",\"s3\":{\"access_key\":\""
                + s3.accessKey() + "\",\"secret\":\"" + s3.secretKey() + "\",\"region\":\"us-east-1\",\"endpoint\":\""
                + s3.endpoint() + "\",\"bucket\":\"" + bucket + "\",\"force_path_style\":true}}}}";
        HttpResponse<String> created = twirp("livekit.RoomService/CreateRoom", create, token(false, true));
        assertEquals(200, created.statusCode(), created.body());
        Path timeline = Files.createTempFile("egress-timeline", ".json");
        NodeTestRunner.forE2e().env("LK_URL", "ws://127.0.0.1:" + server.port())
                .env("LK_API_KEY", "devkey").env("LK_API_SECRET", "secret").env("EGRESS_SCENARIO", "resume")
                .env("EGRESS_ROOM", room).env("EGRESS_TIMELINE", timeline.toString())
                .timeout(Duration.ofSeconds(60)).runAndAssertPass("tests/egress.test.mjs");
        JsonNode t = new ObjectMapper().readTree(Files.readString(timeline));
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until && indexOf("room_finished", room) < 0) {
            Thread.sleep(100);
        }
        assertTrue(indexOf("room_finished", room) >= 0, "room_finished webhook");
        assertEquals(1, events.stream().filter(e -> e.getEvent().equals("egress_started")
                && e.getEgressInfo().getRoomName().equals(room)).count(), "one egress for the microphone");
        List<LivekitEgress.EgressInfo> ended = events.stream().filter(e -> e.getEvent().equals("egress_ended")
                && e.getEgressInfo().getRoomName().equals(room)).map(LivekitWebhook.WebhookEvent::getEgressInfo).toList();
        assertEquals(1, ended.size(), "ended once: " + ended);
        assertEquals(LivekitEgress.EgressStatus.EGRESS_COMPLETE, ended.get(0).getStatus(), ended.get(0).getError());
        LivekitEgress.FileInfo f = ended.get(0).getFileResults(0);
        Path oggFile = Files.createTempFile("egress-resume", ".ogg");
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(f.getFilename()).build())) {
            Files.copy(in, oggFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        AudioAnalysis a = AudioAnalysis.decode(oggFile);
        double key0 = f.getStartedAt() / 1e9;
        double publishedAt = t.get("aPublished").asLong() / 1000.0;
        double outage = t.get("outageStart").asLong() / 1000.0;
        double resumed = t.get("resumed").asLong() / 1000.0;
        double leftAt = t.get("leaveStart").asLong() / 1000.0;
        System.out.printf("egress resume: file %.3f s, published..left %.3f s, outage %.3f..%.3f s into the file%n",
                a.seconds(), leftAt - publishedAt, outage - key0, resumed - key0);
        assertTrue(Math.abs(f.getEndedAt() / 1e9 - leftAt) < 1.0, "the file ends when the publisher left");
        assertTrue(key0 <= publishedAt && publishedAt - key0 < 3.0, "the file starts when the track was published");
        assertEquals(440, a.frequency(publishedAt - key0 + 1.0, leftAt - key0 - 0.3), 15, "tone from publish to leave");
        assertTrue(a.rms((int) ((outage - key0) * 48000), (int) ((resumed - outage) * 48000)) > 0.02,
                "the tone goes on through the signalling outage");
        assertEquals(440, a.frequency(outage - key0, resumed - key0), 15, "the tone during the outage");
    }

    private static int indexOf(String event, String room) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getEvent().equals(event) && events.get(i).getRoom().getName().equals(room)) {
                return i;
            }
        }
        return -1;
    }
}
