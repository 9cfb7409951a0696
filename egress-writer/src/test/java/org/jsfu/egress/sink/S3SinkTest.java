package org.jsfu.egress.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against s3proxy (filesystem backend) started as a separate JVM on loopback. */
class S3SinkTest {
    private static final String AK = "test-access-key";
    private static final String SK = "test-secret-key-123456";
    private static Process proc;
    private static String endpoint;
    @TempDir static Path shared;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void startS3proxy() throws Exception {
        int port = freePort();
        endpoint = "http://127.0.0.1:" + port;
        Path base = Files.createDirectories(shared.resolve("s3data"));
        Path props = shared.resolve("s3proxy.conf");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint, "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + AK,
                "s3proxy.credential=" + SK, "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + base, ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String logback = Path.of(S3SinkTest.class.getResource("/s3proxy-logback.xml").toURI()).toString();
        proc = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + logback,
                "org.gaul.s3proxy.Main", "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(shared.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!proc.isAlive()) fail("s3proxy exited: " + Files.readString(shared.resolve("s3proxy.log")));
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 403) break;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        MinioClient admin = MinioClient.builder().endpoint(endpoint).credentials(AK, SK).region("us-east-1").build();
        admin.makeBucket(MakeBucketArgs.builder().bucket("recordings").build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proc != null) {
            proc.destroy();
            proc.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static S3Sink.Config config(String ep) {
        return new S3Sink.Config(ep, "", "recordings", AK, SK, "", true, "", Map.of("egress", "EG_1"), null);
    }

    @Test
    void uploadsSpoolAsMultipartAndDeletesSpoolAfterConfirmation(@TempDir Path spool) throws Exception {
        S3Sink sink = new S3Sink(config(endpoint), spool, 3, ms -> fail("no retry expected"));
        RecordingSink.Upload u = sink.begin("livekit/room/juan-2026-04-01T195758-TR_x.ogg");
        byte[] data = new byte[6 * 1024 * 1024 + 123]; // > one 5 MiB part
        new Random(1).nextBytes(data);
        u.stream().write(data, 0, 1000);
        u.stream().flush();
        File[] spooled = spool.toFile().listFiles((d, n) -> n.endsWith(".spool"));
        assertEquals(1, spooled.length);
        assertEquals(1000, spooled[0].length());
        assertEquals(1, spool.toFile().listFiles((d, n) -> n.endsWith(".json")).length); // the recovery state
        u.stream().write(data, 1000, data.length - 1000);
        String loc = u.commit("audio/ogg");
        assertEquals(endpoint + "/recordings/livekit/room/juan-2026-04-01T195758-TR_x.ogg", loc);
        assertEquals(0, spool.toFile().listFiles().length);
        MinioClient c = MinioClient.builder().endpoint(endpoint).credentials(AK, SK).region("us-east-1").build();
        try (InputStream in = c.getObject(GetObjectArgs.builder().bucket("recordings").object("livekit/room/juan-2026-04-01T195758-TR_x.ogg").build())) {
            assertArrayEquals(data, in.readAllBytes());
        }
        StatObjectResponse st = c.statObject(StatObjectArgs.builder().bucket("recordings").object("livekit/room/juan-2026-04-01T195758-TR_x.ogg").build());
        assertEquals("audio/ogg", st.contentType());
        assertEquals("EG_1", st.userMetadata().get("egress"));

        String mloc = sink.put("livekit/room/EG_1.json", "{\"a\":1}".getBytes(), "application/json");
        assertEquals(endpoint + "/recordings/livekit/room/EG_1.json", mloc);
        try (InputStream in = c.getObject(GetObjectArgs.builder().bucket("recordings").object("livekit/room/EG_1.json").build())) {
            assertEquals("{\"a\":1}", new String(in.readAllBytes()));
        }
    }

    @Test
    void presignedAndPrefixedLocationsReadTheObjectsWithoutCredentials(@TempDir Path spool) throws Exception {
        RecordingSink sink = PrefixedSink.wrap(new PresigningSink(new S3Sink(config(endpoint), spool, 3,
                ms -> fail("no retry expected"))), "tenant-1/");
        RecordingSink.Upload u = sink.begin("livekit/room/p.ogg", "audio/ogg", "EG_p");
        byte[] data = "OggS-presigned".getBytes();
        u.stream().write(data);
        String loc = u.commit("audio/ogg");
        assertTrue(loc.startsWith(endpoint + "/recordings/tenant-1/livekit/room/p.ogg?"), loc);
        assertTrue(loc.contains("X-Amz-Signature=") && loc.contains("X-Amz-Expires=604800"), loc);
        String mloc = sink.put("livekit/room/EG_p.json", "{}".getBytes(), "application/json");
        assertTrue(mloc.startsWith(endpoint + "/recordings/tenant-1/livekit/room/EG_p.json?"), mloc);
        for (String[] c : new String[][] {{loc, "OggS-presigned"}, {mloc, "{}"}}) {
            HttpURLConnection h = (HttpURLConnection) URI.create(c[0]).toURL().openConnection();
            assertEquals(200, h.getResponseCode(), c[0]);
            try (InputStream in = h.getInputStream()) {
                assertEquals(c[1], new String(in.readAllBytes()));
            }
        }
        HttpURLConnection plain = (HttpURLConnection) URI.create(endpoint + "/recordings/tenant-1/livekit/room/p.ogg")
                .toURL().openConnection();
        assertEquals(403, plain.getResponseCode(), "without the signature the object is not readable");
    }

    @Test
    void failedUploadRetriesWithBackoffAndKeepsTheSpoolFile(@TempDir Path spool) throws Exception {
        List<Long> sleeps = new ArrayList<>();
        S3Sink sink = new S3Sink(config("http://127.0.0.1:" + freePort()), spool, 4, sleeps::add);
        RecordingSink.Upload u = sink.begin("a/b.ogg");
        u.stream().write(new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> u.commit("audio/ogg"));
        assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
        assertEquals(List.of(500L, 1000L, 2000L), sleeps);
        File[] left = spool.toFile().listFiles((d, n) -> n.endsWith(".spool"));
        assertEquals(1, left.length);
        assertEquals(3, left[0].length());
        assertEquals(1, spool.toFile().listFiles((d, n) -> n.endsWith(".json")).length); // recovery can finish it
    }

    @Test
    void clientErrorsAreNotRetried(@TempDir Path spool) throws Exception {
        // a 4xx answer must not be retried: an unknown bucket gives 404 NoSuchBucket
        List<Long> sleeps = new ArrayList<>();
        S3Sink sink = new S3Sink(new S3Sink.Config(endpoint, "", "no-such-bucket", AK, SK, "", true, "", null, null), spool, 4, sleeps::add);
        RecordingSink.Upload u = sink.begin("a/b.ogg");
        u.stream().write(new byte[] {1});
        IOException e = assertThrows(IOException.class, () -> u.commit("audio/ogg"));
        assertTrue(e.getMessage().contains("rejected"), e.getMessage());
        assertEquals(List.of(), sleeps);
        assertEquals(1, spool.toFile().listFiles((d, n) -> n.endsWith(".spool")).length);
    }

    @Test
    void virtualHostLocation(@TempDir Path spool) throws Exception {
        S3Sink aws = new S3Sink(new S3Sink.Config("", "", "bkt", AK, SK, "", false, "", null, null), spool, 1, ms -> { });
        assertEquals("https://bkt.s3.amazonaws.com/x/y.ogg", aws.location("x/y.ogg"));
        S3Sink other = new S3Sink(new S3Sink.Config("https://s3.example.com", "", "bkt", AK, SK, "", false, "", null, null), spool, 1, ms -> { });
        assertEquals("https://bkt.s3.example.com/x/y.ogg", other.location("x/y.ogg"));
    }

    /**
     * A commit whose object S3 completed but whose state write then threw (a full spool disk, say) may be called
     * again, as the Upload contract says: it finishes the cleanup and answers the location instead of throwing
     * IllegalStateException (which made the egress's upload retry report FAILED for a complete object).
     */
    @Test
    void aCommitThatThrewAfterS3ConfirmedAnswersTheLocationWhenCalledAgain(@TempDir Path spool) throws Exception {
        S3Sink sink = new S3Sink(config(endpoint), spool, 3, ms -> fail("no retry expected"));
        RecordingSink.Upload u = sink.begin("livekit/room/again.ogg", "audio/ogg", "EG_again");
        byte[] data = "OggS-again".getBytes();
        u.stream().write(data);
        File[] states = spool.toFile().listFiles((d, n) -> n.endsWith(".json"));
        assertEquals(1, states.length);
        Path blocker = states[0].toPath().resolveSibling(states[0].getName() + ".tmp");
        Files.createDirectories(blocker.resolve("x")); // the state write cannot replace its temp file
        assertThrows(IOException.class, () -> u.commit("audio/ogg"));
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        assertEquals(endpoint + "/recordings/livekit/room/again.ogg", u.commit("audio/ogg"));
        assertEquals(0, spool.toFile().listFiles().length, "spool and state removed by the second call");
        MinioClient c = MinioClient.builder().endpoint(endpoint).credentials(AK, SK).region("us-east-1").build();
        try (InputStream in = c.getObject(GetObjectArgs.builder().bucket("recordings").object("livekit/room/again.ogg").build())) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }
}
