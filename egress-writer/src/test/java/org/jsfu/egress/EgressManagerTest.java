package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.DisconnectReason;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.room.RoomManager;
import org.jsfu.egress.sink.LocalFolderSink;
import org.jsfu.egress.sink.SinkRecovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EgressManager with a fake media plane: taps are detached whenever an egress ends; crash recovery reports. */
class EgressManagerTest {
    @TempDir
    Path dir;
    private EgressRooms env;
    private MediaLoops loops;
    private RoomManager rooms;
    private EgressRooms.FakeTaps taps;
    private volatile boolean sinkFails;

    @BeforeEach
    void setUp() {
        env = new EgressRooms();
        loops = env.loops;
        rooms = env.rooms;
        taps = env.taps;
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private EgressManager manager() {
        return manager(out -> {
            if (sinkFails) throw new IOException("disk gone");
            return new LocalFolderSink(dir);
        });
    }

    private EgressManager manager(EgressSinks.Factory sinks) {
        return env.manager(sinks);
    }

    private String publish(String r, String identity) throws Exception {
        return env.publish(r, identity);
    }

    /** Feeds 40 packets (800 ms, past the startup window) through whatever is attached, on the loop. */
    private void feed(Room room) throws Exception {
        env.feed(room, 40);
    }

    private void feed(Room room, int n) throws Exception {
        env.feed(room, n);
    }

    private EgressInfo awaitEnd(EgressManager m, String id) throws Exception {
        return EgressRooms.awaitEnd(m, id);
    }

    @Test
    void stopEgressDetachesTheTap() throws Exception {
        EgressManager m = manager();
        String track = publish("r1", "alice");
        EgressInfo started = m.startTrackEgress("r1", track, new EgressOutput("out/{track_id}", true, null))
                .get(5, TimeUnit.SECONDS);
        assertEquals(1, taps.count());
        feed(rooms.room("r1"));
        m.stopEgress(started.egressId()).get(5, TimeUnit.SECONDS);
        assertEquals(0, taps.count(), "StopEgress removes the tap");
        feed(rooms.room("r1")); // nothing attached: nothing delivered
        EgressInfo end = awaitEnd(m, started.egressId());
        assertEquals(EgressStatus.COMPLETE, end.status(), String.valueOf(end.error()));
        assertTrue(Files.size(Path.of(end.file().location())) > 0);
    }

    /**
     * Under churn an ended egress must not keep its recorder, sink and tap hook for the 24 h it stays listed:
     * it used to stay in memory whole until pruned (and pruning ran only when another egress started).
     */
    @Test
    void anEndedEgressIsListedButNoLongerHeld() throws Exception {
        EgressManager m = manager();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String room = "held-" + i;
            String track = publish(room, "u" + i);
            ids.add(m.startTrackEgress(room, track, new EgressOutput("out/{track_id}", true, null))
                    .get(5, TimeUnit.SECONDS).egressId());
            assertEquals(1, m.heldEgresses(), "a running egress is held");
            feed(rooms.room(room));
            Room r = rooms.room(room);
            r.loop().submit(() -> {
                r.close(DisconnectReason.ROOM_DELETED);
                return null;
            }).get(5, TimeUnit.SECONDS);
            assertEquals(EgressStatus.COMPLETE, awaitEnd(m, ids.get(i)).status());
            for (int w = 0; w < 200 && m.heldEgresses() > 0; w++) Thread.sleep(10);
            assertEquals(0, m.heldEgresses(), "ended egresses are released");
        }
        List<EgressInfo> listed = m.list(null, null, false);
        assertEquals(ids.stream().sorted().toList(), listed.stream().map(EgressInfo::egressId).toList(),
                "every ended egress stays listed (sorted by id)");
        assertTrue(listed.stream().allMatch(e -> e.status() == EgressStatus.COMPLETE), listed.toString());
        assertEquals(List.of(), m.list(null, null, true), "none active");
        assertEquals(EgressStatus.COMPLETE, m.list(null, ids.get(2), false).get(0).status());
        m.prune(0);
        assertEquals(List.of(), m.list(null, null, false), "history is pruned by age");
    }

    /**
     * A room that lives for weeks with auto track egress while publishers come and go: what it remembers of
     * the tracks it auto-started must go with each track, not grow until the room closes.
     */
    @Test
    void aLongLivedAutoEgressRoomForgetsTracksThatEnded() throws Exception {
        EgressManager m = manager();
        String name = "long-lived";
        rooms.createRoom(name, new RoomOptions(null, null, null, null, new org.jsfu.core.room.RoomEgress(
                new org.jsfu.core.room.RoomEgress.AutoTrackEgress("auto/{track_id}", true, null))))
                .get(5, TimeUnit.SECONDS);
        publish(name, "stays");
        assertEquals(1, m.autoEgressTracks());
        Room room = rooms.room(name);
        for (int i = 0; i < 10; i++) {
            String identity = "visitor-" + i;
            publish(name, identity);
            room.loop().submit(() -> {
                room.participant(identity).disconnect(DisconnectReason.CLIENT_INITIATED, false);
                return null;
            }).get(5, TimeUnit.SECONDS);
        }
        assertEquals(11, m.list(name, null, false).size(), "every publication was recorded");
        assertEquals(1, m.autoEgressTracks(), "only the track still published is remembered");
        room.loop().submit(() -> {
            room.close(DisconnectReason.ROOM_DELETED);
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertEquals(0, m.autoEgressTracks());
    }

    @Test
    void stopEgressAfterItsLoopStoppedStillCompletesTheFile() throws Exception {
        EgressManager m = manager();
        String track = publish("r9", "erin");
        EgressInfo started = m.startTrackEgress("r9", track, new EgressOutput("out/{track_id}", true, null))
                .get(5, TimeUnit.SECONDS);
        feed(rooms.room("r9"));
        taps.loopsClosed = true;
        loops.close(); // the loop that owns the egress no longer runs (the server is going down)
        EgressInfo answer = m.stopEgress(started.egressId()).get(5, TimeUnit.SECONDS);
        assertTrue(answer.status() == EgressStatus.ENDING || answer.status().terminal(), answer.status().name());
        EgressInfo end = awaitEnd(m, started.egressId());
        assertEquals(EgressStatus.COMPLETE, end.status(), String.valueOf(end.error()));
        assertEquals(0, taps.count(), "the tap is detached even without the loop");
        assertTrue(Files.size(Path.of(end.file().location())) > 0);
    }

    @Test
    void sourceClosedAndRoomClosedDetachTheTap() throws Exception {
        EgressManager m = manager();
        String t1 = publish("r2", "bob");
        EgressInfo e1 = m.startTrackEgress("r2", t1, new EgressOutput("", true, null)).get(5, TimeUnit.SECONDS);
        Room room = rooms.room("r2");
        RtpTap tap = taps.snapshot().get(0);
        room.loop().submit(() -> {
            tap.onClose(System.nanoTime()); // the track was unpublished
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertEquals(0, taps.count(), "track unpublished: the tap is removed");
        assertEquals(EgressStatus.ABORTED, awaitEnd(m, e1.egressId()).status());

        String t2 = publish("r3", "carol");
        EgressInfo e2 = m.startTrackEgress("r3", t2, new EgressOutput("", true, null)).get(5, TimeUnit.SECONDS);
        assertEquals(1, taps.count());
        feed(rooms.room("r3"));
        Room r3 = rooms.room("r3");
        r3.loop().submit(() -> {
            r3.close(DisconnectReason.ROOM_DELETED);
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertEquals(0, taps.count(), "room closed: the tap is removed");
        assertEquals(EgressStatus.COMPLETE, awaitEnd(m, e2.egressId()).status());
    }

    @Test
    void aFailedEgressDetachesTheTap() throws Exception {
        EgressManager m = manager();
        sinkFails = true;
        String track = publish("r4", "dave");
        EgressInfo e = m.startTrackEgress("r4", track, new EgressOutput("", true, null)).get(5, TimeUnit.SECONDS);
        feed(rooms.room("r4")); // the first packets make the key; opening the sink fails
        EgressInfo end = awaitEnd(m, e.egressId());
        assertEquals(EgressStatus.FAILED, end.status());
        assertTrue(end.error().contains("disk gone"), end.error());
        for (int i = 0; i < 100 && taps.count() > 0; i++) Thread.sleep(10);
        assertEquals(0, taps.count(), "a failed egress removes its tap");
    }

    @Test
    void aRecoveredEgressIsDescribedInFullAndListedInItsRoom() throws Exception {
        EgressManager m = manager();
        String track = publish("r5", "erin");
        EgressInfo e = m.startTrackEgress("r5", track, new EgressOutput("rec/{publisher_identity}", false, null))
                .get(5, TimeUnit.SECONDS);
        feed(rooms.room("r5"), 150); // 3 s: a few Ogg pages reach the .part file
        EgressInfo active = null;
        for (int i = 0; i < 200 && (active == null || active.status() != EgressStatus.ACTIVE); i++) {
            Thread.sleep(10);
            active = m.list("r5", e.egressId(), true).get(0);
        }
        assertEquals(EgressStatus.ACTIVE, active.status());
        Thread.sleep(200); // the I/O thread writes the pages
        // the process "dies" here; the next one recovers the spool and tells its (new) manager
        assertTrue(Files.notExists(dir.resolve("rec/" + e.egressId() + ".json")), "no manifest before the commit");
        List<SinkRecovery.Recovered> rs = new SinkRecovery(dir.resolve(".egress-spool")).includeThisProcess(true)
                .companions(RecoveredEgress.manifests(() -> 0L)).recover(null);
        assertEquals(1, rs.size());
        assertTrue(rs.get(0).complete(), rs.get(0).toString());
        List<EgressInfo> announced = new ArrayList<>();
        EgressManager restarted = new EgressManager(rooms, taps, out -> new LocalFolderSink(dir));
        restarted.addListener(announced::add);
        EgressInfo info = restarted.recovered(rs.get(0));

        assertEquals(List.of(info), announced, "egress_ended goes to the listeners");
        assertEquals(e.egressId(), info.egressId());
        assertEquals(EgressStatus.COMPLETE, info.status());
        assertEquals("r5", info.roomName());
        assertEquals(rooms.room("r5").sid(), info.roomId());
        assertEquals(track, info.trackSid());
        assertEquals("erin", info.publisherIdentity());
        assertEquals(RecoveredEgress.DETAILS, info.details());
        assertEquals("rec/{publisher_identity}", info.output().filepath());
        assertEquals(active.file().filename(), info.file().filename());
        assertEquals(active.file().startedAt(), info.file().startedAt(), "the file's exact start is kept");
        assertEquals(active.file().startedAt(), info.startedAt());
        assertTrue(info.file().duration() >= 1_000_000_000L, "duration " + info.file().duration());
        assertEquals(info.file().startedAt() + info.file().duration(), info.file().endedAt());
        assertEquals(Files.size(Path.of(info.file().location())), info.file().size());
        assertEquals(null, info.error());
        // the manifest a commit writes, beside the recovered file: the same fields as egress_ended
        Path manifest = Path.of(info.file().location()).resolveSibling(e.egressId() + ".json");
        assertEquals(dir.resolve("rec/" + e.egressId() + ".json").toRealPath(), manifest.toRealPath());
        Manifest mf = Manifest.fromJson(Files.readAllBytes(manifest));
        assertEquals(new Manifest(e.egressId(), info.roomId(), "r5", info.startedAt(), info.endedAt(), "erin", track,
                "audio", "MICROPHONE", List.of(new Manifest.FileEntry(info.file().filename(), info.file().location()))), mf);

        assertEquals(List.of(info), restarted.list("r5", null, false), "ListEgress shows it in its room");
        assertEquals(List.of(info), restarted.list(null, e.egressId(), false));
        assertEquals(List.of(), restarted.list("r5", null, true), "not active");
        assertEquals(List.of(), restarted.list("other", null, false));
        assertTrue(restarted.stopEgress(e.egressId()).isCompletedExceptionally(), "a recovered egress cannot be stopped");
        restarted.prune(0);
        assertEquals(List.of(), restarted.list("r5", null, false), "pruned like finished egresses");
    }

    /** A local folder whose manifest put (a {@code .json} key) blocks until released: a process dying there. */
    private static final class ManifestStallSink implements org.jsfu.egress.sink.RecordingSink {
        final LocalFolderSink files;
        final java.util.concurrent.CountDownLatch putStarted = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        ManifestStallSink(Path dir) throws IOException {
            files = new LocalFolderSink(dir);
        }

        @Override
        public Upload begin(String key) throws IOException {
            return files.begin(key);
        }

        @Override
        public Upload begin(String key, String contentType, String owner, java.util.Map<String, String> info)
                throws IOException {
            return files.begin(key, contentType, owner, info);
        }

        @Override
        public String put(String key, byte[] data, String contentType) throws IOException {
            if (key.endsWith(".json")) {
                putStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("the process died here");
            }
            return files.put(key, data, contentType);
        }
    }

    @Test
    void aCrashBetweenTheCommitAndTheManifestLeavesTheRecoveryAStateToStoreItFrom() throws Exception {
        ManifestStallSink sink = new ManifestStallSink(dir);
        EgressManager m = manager(out -> sink);
        String track = publish("r-mf", "fay");
        EgressInfo e = m.startTrackEgress("r-mf", track, new EgressOutput("rec/{publisher_identity}", false, null))
                .get(5, TimeUnit.SECONDS);
        feed(rooms.room("r-mf"), 100);
        m.stopEgress(e.egressId()).get(5, TimeUnit.SECONDS);
        assertTrue(sink.putStarted.await(10, TimeUnit.SECONDS), "the commit reached the manifest");
        try {
            // the .ogg is in place and the manifest not yet: a crash now must leave a state the recovery can use
            List<SinkRecovery.Recovered> rs = new SinkRecovery(dir.resolve(".egress-spool")).includeThisProcess(true)
                    .companions(RecoveredEgress.manifests(() -> 0L)).recover(null);
            assertEquals(1, rs.size(), "a spool state survives the commit until the manifest is stored");
            assertTrue(rs.get(0).complete(), rs.get(0).toString());
            assertEquals(e.egressId(), rs.get(0).owner());
            Path manifest = Path.of(rs.get(0).location()).resolveSibling(e.egressId() + ".json");
            Manifest mf = Manifest.fromJson(Files.readAllBytes(manifest));
            assertEquals(e.egressId(), mf.egressId());
            assertEquals("fay", mf.publisherIdentity());
        } finally {
            sink.release.countDown();
        }
        EgressInfo end = awaitEnd(m, e.egressId());
        assertEquals(EgressStatus.COMPLETE, end.status());
        try (var left = Files.list(dir.resolve(".egress-spool"))) {
            assertEquals(List.of(), left.toList(), "the live egress removes the state once it is done");
        }
    }

    @Test
    void aRecordingFromBeforeOwnerInfoStillReports() {
        EgressManager m = manager();
        EgressInfo info = m.recovered(new SinkRecovery.Recovered("local", "a/b.ogg", "EG_old", null, -1, -1,
                1_000L, false, "nothing recorded: no headers", null));
        assertEquals(EgressStatus.FAILED, info.status());
        assertEquals("nothing recorded: no headers", info.error());
        assertEquals("", info.roomName());
        assertEquals(1_000_000_000L, info.startedAt());
        assertEquals(null, info.file());
        assertEquals(null, m.recovered(new SinkRecovery.Recovered("local", "x.ogg", null, null, -1, -1, 0, false,
                "x", null)), "no egress id: nothing to report");
    }

    @Test
    void storagePrefixGoesInFrontOfFileAndManifestButNotIntoFilename() throws Exception {
        EgressManager m = manager(EgressSinks.standard(dir, null, dir.resolve(".egress-spool"), "/tenant/../a/"));
        String track = publish("r6", "fay");
        EgressInfo e = m.startTrackEgress("r6", track, new EgressOutput("out/{track_id}", false, null))
                .get(5, TimeUnit.SECONDS);
        feed(rooms.room("r6"));
        m.stopEgress(e.egressId()).get(5, TimeUnit.SECONDS);
        EgressInfo end = awaitEnd(m, e.egressId());
        assertEquals(EgressStatus.COMPLETE, end.status(), String.valueOf(end.error()));
        String key = "out/" + track + ".ogg";
        assertEquals(key, end.file().filename(), "FileInfo.filename is the path without the prefix");
        Path file = dir.resolve("tenant/a/" + key);
        assertTrue(Files.isRegularFile(file), "the file is under the prefix");
        assertEquals(file.toRealPath().toString(), end.file().location());
        Manifest mf = Manifest.fromJson(Files.readAllBytes(dir.resolve("tenant/a/out/" + e.egressId() + ".json")));
        assertEquals(key, mf.files().get(0).filename());
        assertEquals(end.file().location(), mf.files().get(0).location());
        assertTrue(Files.notExists(dir.resolve(key)), "nothing outside the prefix");
    }

    @Test
    void aRecoveredEgressUnderAPrefixKeepsItsUnprefixedFilename() throws Exception {
        EgressManager m = manager(EgressSinks.standard(dir, null, dir.resolve(".egress-spool"), "pre"));
        String track = publish("r7", "gus");
        EgressInfo e = m.startTrackEgress("r7", track, new EgressOutput("x/{track_id}", true, null))
                .get(5, TimeUnit.SECONDS);
        feed(rooms.room("r7"), 150);
        for (int i = 0; i < 200 && m.list("r7", e.egressId(), true).get(0).status() != EgressStatus.ACTIVE; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        List<SinkRecovery.Recovered> rs = new SinkRecovery(dir.resolve(".egress-spool")).includeThisProcess(true)
                .companions(RecoveredEgress.manifests(() -> 0L)).recover(null);
        assertEquals(1, rs.size());
        assertEquals("pre/x/" + track + ".ogg", rs.get(0).key());
        assertTrue(Files.notExists(dir.resolve("pre/x/" + e.egressId() + ".json")), "disable_manifest is kept");
        EgressInfo info = new EgressManager(rooms, taps, out -> null).recovered(rs.get(0));
        assertEquals("x/" + track + ".ogg", info.file().filename());
        assertTrue(info.file().location().endsWith("/pre/x/" + track + ".ogg"), info.file().location());
    }

    /** A sink whose commit fails (S3 unreachable, retries spent) and that counts commits and aborts (which delete the spool). */
    private static final class UnreachableSink implements org.jsfu.egress.sink.RecordingSink {
        final java.util.concurrent.atomic.AtomicInteger aborts = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Upload begin(String key) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            return new Upload() {
                @Override
                public java.io.OutputStream stream() { return out; }

                @Override
                public long size() { return out.size(); }

                @Override
                public String commit(String contentType) throws IOException {
                    commits.incrementAndGet();
                    throw new IOException("S3 upload failed after 5 attempts: connection refused");
                }

                @Override
                public void abort() { aborts.incrementAndGet(); }
            };
        }

        @Override
        public String put(String key, byte[] data, String contentType) { return key; }
    }

    @Test
    void anUploadThatCannotFinishKeepsItsSpoolAndIsReportedFailedOnlyOnARunningServer() throws Exception {
        for (boolean draining : new boolean[] {false, true}) {
            UnreachableSink sink = new UnreachableSink();
            // a running server retries the commit (50, 100, 100 ms ... within 400 ms), then reports FAILED
            EgressManager m = manager(out -> sink).commitRetry(
                    new CommitRetryPolicy(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(400)));
            List<EgressInfo> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
            m.addListener(updates::add);
            String room = "r-drain-" + draining;
            String track = publish(room, "hal");
            EgressInfo e = m.startTrackEgress(room, track, new EgressOutput("", true, null)).get(5, TimeUnit.SECONDS);
            feed(rooms.room(room));
            for (int i = 0; i < 200 && m.list(room, e.egressId(), true).get(0).status() != EgressStatus.ACTIVE; i++) {
                Thread.sleep(10);
            }
            if (draining) {
                m.beginDrain();
            }
            Room r = rooms.room(room);
            r.loop().submit(() -> {
                r.close(DisconnectReason.SERVER_SHUTDOWN);
                return null;
            }).get(5, TimeUnit.SECONDS);
            assertEquals(0, m.awaitAll(java.time.Duration.ofSeconds(5)), "the egress ended");
            List<EgressStatus> seen = updates.stream().map(EgressInfo::status).toList();
            if (draining) {
                assertEquals(0, sink.aborts.get(), "shutdown keeps the spool for recovery at the next start");
                assertEquals(1, sink.commits.get(), "no retry while draining");
                assertTrue(seen.stream().noneMatch(EgressStatus::terminal), "no egress_ended before recovery: " + seen);
            } else {
                assertEquals(0, sink.aborts.get(), "a running server reports the failure but keeps the recording");
                assertTrue(sink.commits.get() >= 4, "retried within the budget: " + sink.commits.get());
                assertEquals(1, seen.stream().filter(EgressStatus::terminal).count(), "one egress_ended: " + seen);
                assertEquals(EgressStatus.FAILED, seen.get(seen.size() - 1), seen.toString());
                assertTrue(updates.get(updates.size() - 1).error().contains("kept"), updates.get(updates.size() - 1).error());
            }
        }
    }
}
