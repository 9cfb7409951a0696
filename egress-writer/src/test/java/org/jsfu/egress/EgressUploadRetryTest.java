package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jsfu.egress.sink.RecordingSink;
import org.jsfu.egress.sink.S3ProxyServer;
import org.jsfu.egress.sink.S3Sink;
import org.jsfu.egress.sink.SinkRecovery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A recording whose final S3 upload fails on a running server (s3proxy killed just before the egress ends, each
 * S3 call given 3 attempts 50 ms apart): the egress stays ENDING while the commit is retried in the background
 * ({@link CommitRetryPolicy} with short delays), and ends COMPLETE once when S3 comes back, FAILED with the
 * spool kept when the budget is spent, and without any report (spool kept) when shutdown begins.
 */
class EgressUploadRetryTest {
    @TempDir static Path shared;
    private static S3ProxyServer s3;
    @TempDir Path dir;
    private Path spool;
    private EgressRooms env;
    private TeeSink tee;
    private final List<EgressInfo> updates = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger egressLog = (Logger) LoggerFactory.getLogger(TrackEgress.class);
    /** Run by the S3 sink between the attempts of one S3 call (so: while a commit attempt is in flight). */
    private volatile Runnable betweenS3Attempts = () -> { };

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.startNew(shared.resolve("s3"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) s3.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        if (!s3.running()) s3.start();
        spool = dir.resolve("spool");
        env = new EgressRooms();
        tee = new TeeSink(new S3Sink(s3.config(), spool, 3, ms -> {
            betweenS3Attempts.run();
            Thread.sleep(50);
        }));
        logs.start();
        egressLog.addAppender(logs);
        egressLog.setLevel(Level.INFO);
    }

    @AfterEach
    void tearDown() {
        egressLog.detachAppender(logs);
        env.close();
    }

    /** Passes everything to the S3 sink and keeps a copy of the bytes the recorder wrote. */
    private static final class TeeSink implements RecordingSink {
        final RecordingSink inner;
        final ByteArrayOutputStream copy = new ByteArrayOutputStream(); // synchronized

        TeeSink(RecordingSink inner) {
            this.inner = inner;
        }

        @Override
        public Upload begin(String key) throws IOException {
            return tee(inner.begin(key));
        }

        @Override
        public Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo)
                throws IOException {
            return tee(inner.begin(key, contentType, owner, ownerInfo));
        }

        @Override
        public String put(String key, byte[] data, String contentType) throws IOException {
            return inner.put(key, data, contentType);
        }

        private Upload tee(Upload u) {
            OutputStream both = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    u.stream().write(b);
                    copy.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    u.stream().write(b, off, len);
                    copy.write(b, off, len);
                }
            };
            return new Upload() {
                @Override public OutputStream stream() { return both; }
                @Override public long size() { return u.size(); }
                @Override public String commit(String contentType) throws IOException { return u.commit(contentType); }
                @Override public void abort() { u.abort(); }
                @Override public void failureReported() throws IOException { u.failureReported(); }
            };
        }
    }

    private EgressManager manager(CommitRetryPolicy policy) {
        EgressManager m = env.manager(out -> tee).commitRetry(policy);
        m.addListener(updates::add);
        return m;
    }

    /** Records 3 s in a new room, kills S3 and ends the recording (StopEgress); returns the started egress. */
    private EgressInfo recordThenCutS3(EgressManager m, String room) throws Exception {
        String track = env.publish(room, "ann");
        EgressInfo e = m.startTrackEgress(room, track, new EgressOutput("retry/{track_id}", false, null))
                .get(5, TimeUnit.SECONDS);
        env.feed(env.rooms.room(room), 150);
        await("ACTIVE", 5, () -> m.list(room, e.egressId(), false).get(0).status() == EgressStatus.ACTIVE);
        Thread.sleep(300); // the I/O queue writes the pages to the spool
        s3.stop();
        EgressInfo answer = m.stopEgress(e.egressId()).get(5, TimeUnit.SECONDS);
        assertEquals(EgressStatus.ENDING, answer.status());
        return e;
    }

    private static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    /** The log lines of {@link TrackEgress} for {@code egressId} that contain {@code text}. */
    private List<String> logged(String egressId, String text) {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(s -> s.contains("egressId=" + egressId) && s.contains(text)).toList();
    }

    /** The WARN lines of {@link TrackEgress} for {@code egressId} but the retry ones: one per failure. */
    private List<String> failureWarnings(String egressId) {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .filter(s -> s.contains("egressId=" + egressId) && !s.contains("will retry")).toList();
    }

    private List<EgressInfo> ended(String egressId) {
        return updates.stream().filter(i -> i.egressId().equals(egressId) && i.status().terminal()).toList();
    }

    private long spoolFiles() throws IOException {
        if (!Files.isDirectory(spool)) return 0;
        try (Stream<Path> s = Files.list(spool)) {
            return s.count();
        }
    }

    /**
     * What the next start does with a kept spool: while S3 is still down, the recovery fails and stores nothing (no
     * manifest); S3 back, recovery uploads it, the object is the whole recording, and then the manifest the commit
     * would have written goes beside it.
     */
    private void recoveryAtNextStartUploadsTheWholeRecording(EgressInfo e) throws Exception {
        assertEquals(2, spoolFiles(), "spool and state kept for the next start");
        SinkRecovery.Companions manifests = RecoveredEgress.manifests(System::nanoTime);
        String manifestKey = "retry/" + e.egressId() + ".json";
        assertFalse(s3.running(), "S3 is still down");
        List<SinkRecovery.Recovered> down = new SinkRecovery(spool).includeThisProcess(true)
                .credentials((endpoint, region, bucket) -> s3.config()).retries(2, ms -> Thread.sleep(20))
                .companions(manifests).recover(null);
        assertEquals(1, down.size());
        assertFalse(down.get(0).complete(), down.get(0).toString());
        assertEquals(2, spoolFiles(), "a recovery that fails again keeps the spool for the start after");
        s3.start();
        assertFalse(objectExists(manifestKey), "a recovery whose upload failed stores no manifest");

        AtomicBoolean oggInPlace = new AtomicBoolean();
        List<SinkRecovery.Recovered> rs = new SinkRecovery(spool).includeThisProcess(true)
                .credentials((endpoint, region, bucket) -> s3.config()).companions(r -> {
                    oggInPlace.set(objectExists(r.key()) && !objectExists(manifestKey));
                    return manifests.beside(r);
                }).recover(null);
        assertEquals(1, rs.size());
        SinkRecovery.Recovered r = rs.get(0);
        assertTrue(r.complete(), r.toString());
        assertEquals(null, r.error());
        assertEquals(e.egressId(), r.owner());
        assertArrayEquals(tee.copy.toByteArray(), s3.object(r.key()), "the kept spool held the whole recording");
        assertEquals(0, spoolFiles());
        assertTrue(oggInPlace.get(), "the manifest is written once the recording is in place, not before");

        // the manifest a commit writes: the egress_ended's fields
        EgressInfo info = RecoveredEgress.info(r, 0);
        Manifest mf = Manifest.fromJson(s3.object(manifestKey));
        assertEquals(new Manifest(e.egressId(), e.roomId(), e.roomName(), info.startedAt(), info.endedAt(), "ann",
                e.trackSid(), "audio", "MICROPHONE", List.of(new Manifest.FileEntry(r.key(), r.location()))), mf);
        assertTrue(mf.startedAt() > 0 && mf.endedAt() - mf.startedAt() >= 2_000_000_000L, mf.toString());
        assertEquals(info.file().startedAt(), mf.startedAt());
    }

    private boolean objectExists(String key) {
        try {
            s3.admin().statObject(io.minio.StatObjectArgs.builder().bucket(S3ProxyServer.BUCKET).object(key).build());
            return true;
        } catch (io.minio.errors.ErrorResponseException notFound) {
            return false;
        } catch (Exception ex) {
            throw new AssertionError("cannot ask S3 for " + key, ex);
        }
    }

    @Test
    void anOutageCoveringTheEndOfARecordingIsUploadedOnceS3IsBack() throws Exception {
        EgressManager m = manager(new CommitRetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(60)));
        EgressInfo e = recordThenCutS3(m, "retry-ok");
        String id = e.egressId();
        await("3 failed commit attempts", 20, () -> logged(id, "will retry").size() >= 3);
        assertEquals(EgressStatus.ENDING, m.list(null, id, false).get(0).status(), "ListEgress: ENDING while retrying");
        assertEquals(List.of(id), m.list("retry-ok", null, true).stream().map(EgressInfo::egressId).toList(), "still active");
        EgressInfo again = m.stopEgress(id).get(5, TimeUnit.SECONDS);
        assertEquals(EgressStatus.ENDING, again.status(), "a second StopEgress answers ENDING");
        assertEquals("StopEgress API", again.details());
        assertFalse(m.roomDone(e.roomId()).isDone(), "room_finished waits for the egress");
        assertEquals(List.of(), ended(id), "no egress_ended while retrying");
        assertTrue(spoolFiles() == 2, "the spool stays while retrying");
        String warn = logged(id, "will retry").get(0);
        assertTrue(warn.contains("attempt=1") && warn.contains("nextDelayMs=200"), warn);
        assertTrue(logged(id, "will retry").get(2).contains("attempt=3 nextDelayMs=800"), logged(id, "will retry").toString());

        s3.start(); // S3 is back: the next attempt goes through
        await("egress_ended", 30, () -> !ended(id).isEmpty());
        Thread.sleep(300);
        assertEquals(1, ended(id).size(), "exactly one egress_ended: " + ended(id));
        EgressInfo end = ended(id).get(0);
        assertEquals(EgressStatus.COMPLETE, end.status(), end.error());
        assertEquals("", end.error());
        byte[] written = tee.copy.toByteArray();
        assertTrue(written.length > 10_000, "3 s of audio and more: " + written.length);
        assertArrayEquals(written, s3.object(end.file().filename()), "the object holds the whole recording");
        assertEquals(written.length, end.file().size());
        assertTrue(end.file().duration() >= 3_000_000_000L, "duration " + end.file().duration());
        Manifest mf = Manifest.fromJson(s3.object(Manifest.keyBeside(end.file().filename(), id)));
        assertEquals(end.file().location(), mf.files().get(0).location(), "the manifest is written as usual");
        assertEquals(0, spoolFiles(), "nothing left for the next start");
        assertTrue(m.roomDone(e.roomId()).isDone());
        assertEquals(EgressStatus.COMPLETE, m.list(null, id, false).get(0).status());
        assertEquals(1, logged(id, "upload succeeded after retries").size(), logs.list.toString());
        assertFalse(m.leftToRecovery(e.roomId()), "reported now: nothing left to the next start");
    }

    @Test
    void retriesStopAfterTheBudgetAndTheRecordingIsKeptForTheNextStart() throws Exception {
        EgressManager m = manager(new CommitRetryPolicy(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(1500)));
        EgressInfo e = recordThenCutS3(m, "retry-budget");
        String id = e.egressId();
        await("egress_ended", 20, () -> !ended(id).isEmpty());
        Thread.sleep(300);
        assertEquals(1, ended(id).size(), ended(id).toString());
        EgressInfo end = ended(id).get(0);
        assertEquals(EgressStatus.FAILED, end.status());
        assertTrue(end.error().contains("kept and uploaded at the next start"), end.error());
        assertTrue(logged(id, "will retry").size() >= 4, logged(id, "will retry").toString());
        assertEquals(1, failureWarnings(id).size(), "the failure is logged once: " + failureWarnings(id));
        assertTrue(m.roomDone(e.roomId()).isDone());
        assertFalse(m.leftToRecovery(e.roomId()), "reported FAILED now, not left to the next start's report");
        recoveryAtNextStartUploadsTheWholeRecording(e);
    }

    /** A recording ended with S3 down, whose first commit attempt has failed (the next one is scheduled). */
    private EgressInfo firstAttemptFailed(EgressManager m, String room) throws Exception {
        EgressInfo e = recordThenCutS3(m, room);
        await("a failed commit attempt", 20, () -> logged(e.egressId(), "will retry").size() == 1);
        return e;
    }

    /** After shutdown: no egress_ended, no further attempt, the spool kept and recovered whole at the next start. */
    private void nothingReportedAndTheSpoolRecovers(EgressManager m, EgressInfo e) throws Exception {
        Thread.sleep(300);
        assertEquals(List.of(), ended(e.egressId()), "no egress_ended: the next start reports it");
        assertEquals(1, logged(e.egressId(), "will retry").size(), "no retry after shutdown began");
        assertEquals(EgressStatus.ENDING, m.list(null, e.egressId(), false).get(0).status());
        recoveryAtNextStartUploadsTheWholeRecording(e);
    }

    @Test
    void shutdownWhileWaitingToRetryEndsAtOnceAndKeepsTheSpool() throws Exception {
        EgressManager m = manager(new CommitRetryPolicy(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofMinutes(5)));
        EgressInfo e = firstAttemptFailed(m, "retry-drain");
        long t0 = System.nanoTime();
        m.beginDrain();
        assertEquals(0, m.awaitAll(Duration.ofSeconds(10)), "the waiting egress is done");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(tookMs < 1000, "drain did not wait for the retry: " + tookMs + " ms");
        assertTrue(m.leftToRecovery(e.roomId()), "its room_finished is to follow the next start's recovery");
        nothingReportedAndTheSpoolRecovers(m, e);
    }

    @Test
    void shutdownDuringARetryAttemptKeepsTheSpoolIntact() throws Exception {
        EgressManager m = manager(new CommitRetryPolicy(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMinutes(5)));
        EgressInfo e = firstAttemptFailed(m, "retry-inflight");
        AtomicBoolean drained = new AtomicBoolean();
        betweenS3Attempts = () -> { // the second commit attempt is between two S3 attempts: shutdown begins
            if (drained.compareAndSet(false, true)) m.beginDrain();
        };
        await("shutdown during an attempt", 20, drained::get);
        assertEquals(0, m.awaitAll(Duration.ofSeconds(10)), "the attempt ends and the egress is done");
        assertTrue(logged(e.egressId(), "kept for recovery at next start").get(0).contains("draining=true"),
                logged(e.egressId(), "kept").toString());
        assertTrue(m.leftToRecovery(e.roomId()));
        nothingReportedAndTheSpoolRecovers(m, e);
    }
    /** Records 2 s into {@code bucket}, which S3 does not have, and stops the egress; returns it once it ended. */
    private EgressInfo recordIntoAMissingBucket(String bucket, String room) throws Exception {
        S3Sink.Config c = s3.config();
        S3Sink.Config missingBucket = new S3Sink.Config(c.endpoint(), c.region(), bucket, c.accessKey(),
                c.secret(), c.sessionToken(), c.forcePathStyle(), c.contentDisposition(), c.metadata(), c.tagging());
        RecordingSink refusing = new S3Sink(missingBucket, spool, 3, ms -> Thread.sleep(50));
        EgressManager m = env.manager(out -> refusing)
                .commitRetry(new CommitRetryPolicy(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofMinutes(5)));
        m.addListener(updates::add);
        String track = env.publish(room, "ann");
        EgressInfo e = m.startTrackEgress(room, track, new EgressOutput("retry/{track_id}", false, null))
                .get(5, TimeUnit.SECONDS);
        env.feed(env.rooms.room(room), 100);
        await("ACTIVE", 5, () -> m.list(room, e.egressId(), false).get(0).status() == EgressStatus.ACTIVE);
        m.stopEgress(e.egressId()).get(5, TimeUnit.SECONDS);
        await("egress_ended", 10, () -> !ended(e.egressId()).isEmpty());
        return e;
    }

    /**
     * A next start: a new manager gets what {@link SinkRecovery} finishes with {@code keys} (its outcomes go to
     * {@code outcomes}); returns the egress_ended updates it sent for {@code egressId}.
     */
    private List<EgressInfo> nextStart(String egressId, SinkRecovery.CredentialSource keys,
                                       List<SinkRecovery.Recovered> outcomes) {
        EgressManager restarted = env.manager(out -> null);
        List<EgressInfo> reported = new CopyOnWriteArrayList<>();
        restarted.addListener(reported::add);
        outcomes.addAll(new SinkRecovery(spool).includeThisProcess(true).credentials(keys).recover(restarted::recovered));
        assertEquals(1, restarted.list(null, egressId, false).size(), "ListEgress shows it");
        return reported.stream().filter(i -> i.egressId().equals(egressId) && i.status().terminal()).toList();
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        EgressInfo e = recordIntoAMissingBucket("no-such-bucket", "retry-refused");
        EgressInfo end = ended(e.egressId()).get(0);
        assertEquals(EgressStatus.FAILED, end.status(), "S3 refused the upload: failed at once, not retried");
        assertTrue(end.error().contains("NoSuchBucket") || end.error().contains("rejected"), end.error());
        assertEquals(List.of(), logged(e.egressId(), "will retry"));
        assertEquals(1, failureWarnings(e.egressId()).size(), "the failure is logged once: " + failureWarnings(e.egressId()));
        assertEquals(2, spoolFiles(), "the spool is kept all the same");
    }

    /**
     * A recording S3 refused (no such bucket) was reported FAILED by the running server. Each later start tries
     * it again and, while S3 still refuses, reports nothing (one egress_ended FAILED per egress) and keeps it;
     * the start that uploads it reports COMPLETE, so the receiver learns where the recording is.
     */
    @Test
    void aRefusedRecordingIsReportedFailedOnceAndCompleteWhenALaterStartUploadsIt() throws Exception {
        String bucket = "created-later";
        String id = recordIntoAMissingBucket(bucket, "refused-later").egressId();
        assertEquals(List.of(EgressStatus.FAILED), ended(id).stream().map(EgressInfo::status).toList());
        SinkRecovery.CredentialSource keys = (endpoint, region, b) -> s3.config();
        for (int start = 1; start <= 2; start++) {
            List<SinkRecovery.Recovered> rs = new java.util.ArrayList<>();
            assertEquals(List.of(), nextStart(id, keys, rs), "start " + start + ": no second FAILED");
            assertFalse(rs.get(0).complete(), rs.get(0).toString());
            assertTrue(rs.get(0).failureReportedBefore());
            assertEquals(2, spoolFiles(), "start " + start + ": the recording is kept");
        }
        s3.admin().makeBucket(io.minio.MakeBucketArgs.builder().bucket(bucket).build());
        List<SinkRecovery.Recovered> rs = new java.util.ArrayList<>();
        List<EgressInfo> done = nextStart(id, keys, rs);
        assertEquals(List.of(EgressStatus.COMPLETE), done.stream().map(EgressInfo::status).toList());
        String key = rs.get(0).key();
        long size = s3.admin().statObject(io.minio.StatObjectArgs.builder().bucket(bucket).object(key).build()).size();
        assertTrue(size > 5_000 && size == done.get(0).file().size(), "the object is in S3: " + size);
        assertEquals(0, spoolFiles(), "nothing left for the next start");
    }

    /**
     * A recording shutdown left to the next start (S3 down), whose next start has no keys for its bucket: that
     * start reports FAILED, a later one without keys nothing, and the one with keys COMPLETE.
     */
    @Test
    void aRecoveryFailureIsReportedOnceAndALaterUploadComplete() throws Exception {
        EgressManager m = manager(new CommitRetryPolicy(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofMinutes(5)));
        String id = firstAttemptFailed(m, "recovery-no-keys").egressId();
        m.beginDrain();
        assertEquals(0, m.awaitAll(Duration.ofSeconds(10)));
        assertEquals(List.of(), ended(id), "shutdown: the next start reports it");
        s3.start();
        SinkRecovery.CredentialSource none = (endpoint, region, b) -> null;
        List<SinkRecovery.Recovered> rs = new java.util.ArrayList<>();
        assertEquals(List.of(EgressStatus.FAILED), nextStart(id, none, rs).stream().map(EgressInfo::status).toList());
        assertFalse(rs.get(0).failureReportedBefore());
        rs.clear();
        assertEquals(List.of(), nextStart(id, none, rs), "no second FAILED");
        assertTrue(rs.get(0).failureReportedBefore());
        assertEquals(2, spoolFiles(), "kept");
        rs.clear();
        List<EgressInfo> done = nextStart(id, (endpoint, region, b) -> s3.config(), rs);
        assertEquals(List.of(EgressStatus.COMPLETE), done.stream().map(EgressInfo::status).toList());
        assertArrayEquals(tee.copy.toByteArray(), s3.object(rs.get(0).key()), "the whole recording");
        assertEquals(0, spoolFiles());
    }
}
