package org.jsfu.egress.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.minio.messages.Part;
import io.minio.messages.Upload;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsfu.egress.ExternalTools;
import org.jsfu.egress.TrackRecorder;
import org.jsfu.ogg.OggOpusReader;
import org.jsfu.ogg.OggOpusWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Fault tests of the S3 sink against a real s3proxy: parts while recording, an outage mid-recording, a
 * crash simulated in-process, a recorder JVM killed with SIGKILL, and a commit called again after it failed
 * with S3 down. The outage lasts
 * {@code -Djsfu.test.s3OutageSeconds} (default 30 s, as the issue asks).
 */
class S3DurabilityTest {
    private static final long MIB = 1024 * 1024;
    private static final int OUTAGE_S = Integer.getInteger("jsfu.test.s3OutageSeconds", 30);
    @TempDir static Path shared;
    private static S3ProxyServer s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.startNew(shared.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) s3.close();
    }

    private static MinioAsyncClient async() {
        return MinioAsyncClient.builder().endpoint(s3.endpoint()).credentials(S3ProxyServer.AK, S3ProxyServer.SK)
                .region("us-east-1").build();
    }

    /** Multipart uploads S3 lists for {@code key}. */
    private static List<Upload> uploadsOf(String key) throws Exception {
        List<Upload> out = new ArrayList<>();
        for (Upload u : async().listMultipartUploadsAsync(S3ProxyServer.BUCKET, null, null, null, null, 1000, key, null, null, null)
                .get().result().uploads()) {
            if (u.objectName().equals(key)) out.add(u);
        }
        return out;
    }

    private static List<Part> partsOf(String key, String uploadId) throws Exception {
        return async().listPartsAsync(S3ProxyServer.BUCKET, null, key, 1000, null, uploadId, null, null).get().result().partList();
    }

    private static int objectsUnder(String prefix) {
        int n = 0;
        for (Result<Item> r : s3.admin().listObjects(ListObjectsArgs.builder().bucket(S3ProxyServer.BUCKET).prefix(prefix).recursive(true).build())) {
            n++;
        }
        return n;
    }

    private static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private static int listedParts(String key) {
        try {
            List<Upload> ups = uploadsOf(key);
            return ups.size() == 1 ? partsOf(key, ups.get(0).uploadId()).size() : 0;
        } catch (Exception e) {
            System.err.println("list failed: " + e);
            return -1;
        }
    }

    private static long files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void partsAreUploadedWhileRecording(@TempDir Path spool) throws Exception {
        String key = "live/parts.ogg";
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin(key, "audio/ogg", "EG_parts");
        byte[] data = new byte[(int) (12 * MIB) + 4321];
        new Random(7).nextBytes(data);
        int pos = 0;
        int chunk = 64 * 1024;
        while (pos < 5.5 * MIB) {
            u.stream().write(data, pos, chunk);
            pos += chunk;
        }
        await("part 1 listed while recording", 20, () -> listedParts(key) == 1);
        List<Part> p1 = partsOf(key, uploadsOf(key).get(0).uploadId());
        assertEquals(5 * MIB, p1.get(0).partSize());
        assertEquals(0, objectsUnder(key)); // not visible as an object yet
        while (pos < 10.5 * MIB) {
            u.stream().write(data, pos, chunk);
            pos += chunk;
        }
        await("part 2 listed while recording", 20, () -> listedParts(key) == 2);
        u.stream().write(data, pos, data.length - pos);
        assertEquals(data.length, u.size());
        assertEquals(s3.endpoint() + "/recordings/" + key, u.commit("audio/ogg"));
        assertArrayEquals(data, s3.object(key));
        assertEquals(List.of(), uploadsOf(key));
        assertEquals(0, files(spool)); // spool and state deleted after S3 confirmed
    }

    /** Ogg Opus stream with ~1 KB packets (TOC 20 ms CELT + random bytes), teed to a copy. */
    private static final class OggFeed {
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        final OggOpusWriter w;
        final Random rnd = new Random(3);
        final byte[] pkt = new byte[1000];
        long maxWriteNanos;
        int packets;

        OggFeed(OutputStream sink) throws IOException {
            OutputStream tee = new OutputStream() {
                @Override public void write(int b) throws IOException { sink.write(b); copy.write(b); }
                @Override public void write(byte[] b, int off, int len) throws IOException { sink.write(b, off, len); copy.write(b, off, len); }
                @Override public void flush() throws IOException { sink.flush(); }
            };
            w = new OggOpusWriter(tee, 2, 312, 99);
        }

        void writeUntil(long size) throws IOException {
            while (copy.size() < size) {
                rnd.nextBytes(pkt);
                pkt[0] = (byte) 0xFC;
                long t = System.nanoTime();
                w.writePacket(pkt, 0, pkt.length);
                maxWriteNanos = Math.max(maxWriteNanos, System.nanoTime() - t);
                packets++;
            }
        }
    }

    @Test
    void outageMidRecordingEndsWithOneCompleteObject(@TempDir Path spool) throws Exception {
        String key = "live/outage.ogg";
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin(key, "audio/ogg", "EG_outage");
        OggFeed feed = new OggFeed(u.stream());
        feed.writeUntil(6 * MIB);
        await("part 1 before the outage", 20, () -> listedParts(key) == 1);
        s3.stop();
        long down = System.nanoTime();
        feed.writeUntil(11 * MIB); // part 2 is full while S3 is down: the I/O thread retries with backoff
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(OUTAGE_S) - (System.nanoTime() - down) / 1_000_000));
        assertTrue(feed.maxWriteNanos < TimeUnit.MILLISECONDS.toNanos(500), "writer blocked " + feed.maxWriteNanos / 1e6 + " ms");
        s3.start();
        feed.writeUntil(12 * MIB);
        feed.w.finish();
        String loc = u.commit("audio/ogg");
        assertEquals(s3.endpoint() + "/recordings/" + key, loc);
        byte[] got = s3.object(key);
        assertArrayEquals(feed.copy.toByteArray(), got);
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(got));
        assertEquals(feed.packets, f.audioPackets().size());
        assertEquals(List.of(), uploadsOf(key)); // one upload, completed once
        assertEquals(1, objectsUnder("live/outage"));
        assertEquals(0, files(spool));
    }

    /** Drives a TrackRecorder with {@code n} 20 ms packets (~900 random bytes) in simulated time; returns them. */
    private static List<byte[]> record(TrackRecorder rec, int n) throws IOException {
        Random rnd = new Random(11);
        List<byte[]> sent = new ArrayList<>();
        long t0 = 1_775_073_478_000_000_000L;
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[900];
            rnd.nextBytes(p);
            p[0] = (byte) 0xFC;
            long now = t0 + (i + 1) * 20_000_000L;
            rec.onRtp(p, 0, p.length, 5000L + i * 960L, 10 + i, now);
            rec.tick(now);
            sent.add(p);
        }
        return sent;
    }

    private static void assertPrefixOf(List<byte[]> sent, OggOpusReader.OggOpusFile f, int maxLost) {
        List<OggOpusReader.Packet> got = f.audioPackets();
        assertTrue(got.size() <= sent.size() && got.size() >= sent.size() - maxLost,
                "kept " + got.size() + " of " + sent.size() + " packets");
        for (int i = 0; i < got.size(); i++) assertArrayEquals(sent.get(i), got.get(i).data(), "packet " + i);
        assertTrue(f.pages().get(f.pages().size() - 1).eos());
    }

    private static SpoolState onlyState(Path spool) throws IOException {
        try (var s = Files.list(spool)) {
            List<Path> js = s.filter(p -> p.toString().endsWith(".json")).toList();
            assertEquals(1, js.size());
            return SpoolState.read(js.get(0));
        }
    }

    @Test
    void crashedUploadIsRepairedAndFinished(@TempDir Path spool) throws Exception {
        crashThenRecover(spool, "crash/a.ogg", false);
    }

    @Test
    void crashedUploadWhoseUploadIdIsGoneIsUploadedWhole(@TempDir Path spool) throws Exception {
        crashThenRecover(spool, "crash/b.ogg", true);
    }

    private void crashThenRecover(Path spool, String key, boolean loseUploadId) throws Exception {
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin(key, "audio/ogg", "EG_crash");
        TrackRecorder rec = new TrackRecorder(u.stream(), new TrackRecorder.Options(), "TR_crash");
        List<byte[]> sent = record(rec, 6500); // 130 s, ~6 MB: part 1 goes up while recording
        await("part 1 recorded in the state", 20, () -> {
            try {
                return onlyState(spool).parts.size() == 1;
            } catch (IOException e) {
                return false;
            }
        });
        String uploadId = onlyState(spool).uploadId;
        if (loseUploadId) async().abortMultipartUploadAsync(S3ProxyServer.BUCKET, null, key, uploadId, null, null).get();
        // the process "dies": no commit, no close; a new instance recovers (credentials from the configuration)
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger recLog = (Logger) LoggerFactory.getLogger(SinkRecovery.class);
        recLog.addAppender(logs);
        List<SinkRecovery.Recovered> seen = new ArrayList<>();
        List<SinkRecovery.Recovered> out = new SinkRecovery(spool).credentials((e, r, b) -> {
            assertEquals(s3.endpoint(), e);
            assertEquals(S3ProxyServer.BUCKET, b);
            return s3.config();
        }).includeThisProcess(true).recover(seen::add);
        recLog.detachAppender(logs);
        assertEquals(seen, out);
        String resumed = logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("resumes upload"))
                .findFirst().orElseThrow();
        // part 1 (bytes before the repaired last page) is reused unless S3 lost the upload
        assertTrue(resumed.contains(loseUploadId ? "partsKept=0 fromByte=0" : "partsKept=1 fromByte=" + 5 * MIB), resumed);
        assertEquals(1, out.size());
        SinkRecovery.Recovered r = out.get(0);
        assertTrue(r.complete(), r.toString());
        assertNull(r.error());
        assertEquals("EG_crash", r.owner());
        assertEquals(key, r.key());
        assertEquals(s3.endpoint() + "/recordings/" + key, r.location());
        byte[] got = s3.object(key);
        assertEquals(got.length, r.sizeBytes());
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(got));
        assertPrefixOf(sent, f, 100); // at most the last 2 s lost
        assertEquals(Math.round(f.durationSeconds() * 1e9), r.durationNanos(), 1e6);
        assertEquals(List.of(), uploadsOf(key));
        assertEquals(0, files(spool));
        // a second run finds nothing
        assertEquals(List.of(), new SinkRecovery(spool).includeThisProcess(true).recover(null));
    }

    @Test
    void aHeldStateOutlivesTheCommitUntilReleasedAndLetsTheRecoveryStoreTheCompanion(@TempDir Path spool)
            throws Exception {
        String key = "held/rec.ogg";
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin(key, "audio/ogg", "EG_held");
        u.stream().write(new byte[1000]);
        u.holdStateAfterCommit();
        u.commit("audio/ogg");
        assertEquals(1000, s3.object(key).length);
        assertEquals(1, files(spool), "the state (completed) is held, the spool is gone");
        assertTrue(onlyState(spool).completed);
        // the process "dies" before the owner stored what goes beside the object: the recovery stores it
        SinkRecovery.Companions beside = r -> List.of(new SinkRecovery.Companion("EG_held.json",
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json"));
        List<SinkRecovery.Recovered> out = new SinkRecovery(spool).credentials((e, r, b) -> s3.config())
                .includeThisProcess(true).companions(beside).recover(null);
        assertEquals(1, out.size());
        assertTrue(out.get(0).complete(), out.get(0).toString());
        assertNull(out.get(0).error());
        assertEquals("{}", new String(s3.object("held/EG_held.json"), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, files(spool));
        u.releaseState(); // the live owner, late: nothing left to remove
        assertEquals(0, files(spool));

        RecordingSink.Upload v = sink.begin("held/second.ogg", "audio/ogg", "EG_held2");
        v.stream().write(new byte[10]);
        v.holdStateAfterCommit();
        v.commit("audio/ogg");
        assertEquals(1, files(spool));
        v.releaseState();
        assertEquals(0, files(spool), "released: the state goes");
    }

    @Test
    void liveUploadsOfThisProcessAreLeftAlone(@TempDir Path spool) throws Exception {
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin("live/busy.ogg", "audio/ogg", "EG_busy");
        u.stream().write(new byte[] {1, 2, 3});
        assertEquals(List.of(), SinkRecovery.recover(spool, (e, r, b) -> s3.config(), null));
        assertEquals(2, files(spool));
        u.abort();
        assertEquals(0, files(spool));
    }

    @Test
    void noCredentialsKeepsTheFiles(@TempDir Path spool) throws Exception {
        S3Sink sink = new S3Sink(s3.config(), spool);
        RecordingSink.Upload u = sink.begin("live/nocreds.ogg", "audio/ogg", "EG_nc",
                java.util.Map.of("roomName", "r-nc", "trackId", "TR_nc"));
        record(new TrackRecorder(u.stream(), new TrackRecorder.Options(), "TR_nc"), 200);
        String json = Files.readString(spool.resolve(onlyState(spool).spool.replace(".spool", ".json")));
        assertFalse(json.contains(S3ProxyServer.SK), "secret in the spool state");
        List<SinkRecovery.Recovered> out = new SinkRecovery(spool).includeThisProcess(true).recover(null);
        assertEquals(1, out.size());
        assertFalse(out.get(0).complete());
        assertTrue(out.get(0).error().contains("no S3 credentials"), out.get(0).error());
        assertEquals(java.util.Map.of("roomName", "r-nc", "trackId", "TR_nc"), out.get(0).ownerInfo(),
                "what the egress stored comes back");
        assertEquals(2, files(spool));
        // with keys stored on purpose (request-only credentials) recovery needs no configuration
        S3Sink keeping = new S3Sink(s3.config(), spool).storeCredentialsInSpool(true);
        RecordingSink.Upload u2 = keeping.begin("live/withcreds.ogg", "audio/ogg", "EG_wc");
        List<byte[]> sent = record(new TrackRecorder(u2.stream(), new TrackRecorder.Options(), "TR_wc"), 300);
        try (var st = Files.list(spool)) {
            Path js = st.filter(f -> f.toString().endsWith(".json")).filter(f -> {
                try {
                    return Files.readString(f).contains("EG_wc");
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
            assertTrue(Files.readString(js).contains(S3ProxyServer.SK));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(js)));
        }
        List<SinkRecovery.Recovered> out2 = new SinkRecovery(spool).includeThisProcess(true).recover(null);
        SinkRecovery.Recovered wc = out2.stream().filter(r -> r.owner().equals("EG_wc")).findFirst().orElseThrow();
        assertTrue(wc.complete(), wc.toString());
        assertPrefixOf(sent, OggOpusReader.read(new ByteArrayInputStream(s3.object("live/withcreds.ogg"))), 100);
    }

    @Test
    void killedRecorderJvmIsRecovered(@TempDir Path dir) throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        String key = "killed/tone.ogg";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path argFile = dir.resolve("java.args");
        Files.writeString(argFile, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
        Process child = new ProcessBuilder(java, "-Xmx128m", "@" + argFile, "org.jsfu.egress.KilledRecorderMain",
                s3.endpoint(), S3ProxyServer.BUCKET, S3ProxyServer.AK, S3ProxyServer.SK, spool.toString(), key)
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder log = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("STARTED")) log.append(line).append('\n');
        assertTrue(child.isAlive(), "child ended: " + log);
        long started = System.nanoTime();
        Thread.sleep(8000);
        child.destroyForcibly(); // SIGKILL on Linux
        long elapsed = System.nanoTime() - started;
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue()); // 128 + SIGKILL
        List<SinkRecovery.Recovered> rs = SinkRecovery.recover(spool, (e, r, b) -> s3.config(), null);
        assertEquals(1, rs.size());
        SinkRecovery.Recovered r = rs.get(0);
        assertTrue(r.complete(), r.toString());
        assertEquals("EG_killed", r.owner());
        byte[] got = s3.object(key);
        Path file = Files.write(dir.resolve("tone.ogg"), got);
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(got));
        double elapsedS = elapsed / 1e9;
        assertTrue(f.durationSeconds() >= elapsedS - 3, "recovered " + f.durationSeconds() + " s of " + elapsedS + " s");
        assertTrue(f.durationSeconds() <= elapsedS + 1, "recovered " + f.durationSeconds() + " s of " + elapsedS + " s");
        String info = ExternalTools.run("opusinfo", file.toString());
        assertFalse(info.contains("WARNING") || info.contains("ERROR"), info);
        Matcher m = Pattern.compile("Playback length: (\\d+)m:([\\d.]+)s").matcher(info);
        assertTrue(m.find(), info);
        assertEquals(f.durationSeconds(), Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)), 0.01);
        String probe = ExternalTools.run("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name",
                "-of", "default=nw=1", file.toString());
        assertTrue(probe.contains("codec_name=opus"), probe);
        assertEquals(0, files(spool));
    }

    /**
     * {@link S3StreamingUpload#commit} called again after it failed (s3proxy killed, then restarted on the same
     * port and data): writes {@code size} random bytes, fails a commit with S3 down, commits again with S3 back;
     * the second commit completes the object with exactly the bytes written, from the recorded parts.
     */
    private void commitAgainAfterAFailedCommit(String key, int size, Path spool) throws Exception {
        S3Sink sink = new S3Sink(s3.config(), spool, 2, ms -> { });
        RecordingSink.Upload u = sink.begin(key, "audio/ogg", "EG_resume");
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        for (int off = 0; off < size; off += 4096) {
            int n = Math.min(4096, size - off);
            u.stream().write(data, off, n);
            written.write(data, off, n);
        }
        int fullParts = (int) (size / S3Sink.PART_SIZE);
        Path state = Files.list(spool).filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        for (int i = 0; i < 600 && SpoolState.read(state).parts.size() < fullParts; i++) Thread.sleep(50);
        assertEquals(fullParts, SpoolState.read(state).parts.size(), "the full parts went up while recording");

        s3.stop();
        try {
            assertThrows(IOException.class, () -> u.commit("audio/ogg"), "S3 down: the commit fails");
            assertEquals(2, files(spool), "spool and state are kept after a failed commit");
        } finally {
            s3.start();
        }
        String location = u.commit("audio/ogg");
        assertEquals(s3.endpoint() + "/" + S3ProxyServer.BUCKET + "/" + key, location);
        assertArrayEquals(written.toByteArray(), s3.object(key), "the object holds every byte written");
        assertEquals(size, u.size());
        assertEquals(0, files(spool), "spool and state deleted once S3 has the object");
        assertThrows(IllegalStateException.class, () -> u.commit("audio/ogg"), "a committed upload is done");
    }

    @Test
    void aSinglePutCommitSucceedsWhenCalledAgain() throws Exception {
        commitAgainAfterAFailedCommit("resume/small.ogg", 300_000, shared.resolve("spool-resume-small"));
    }

    @Test
    void aMultipartCommitResumesFromTheConfirmedParts() throws Exception {
        commitAgainAfterAFailedCommit("resume/large.ogg", (int) (2 * S3Sink.PART_SIZE + 777_777), shared.resolve("spool-resume-large"));
    }
}
