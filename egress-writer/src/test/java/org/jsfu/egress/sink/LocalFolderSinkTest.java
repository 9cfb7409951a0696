package org.jsfu.egress.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jsfu.egress.TrackRecorder;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFolderSinkTest {
    @TempDir Path tmp;

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void fileAppearsOnlyOnCommitAndFlushReachesSpool() throws IOException {
        Path root = tmp.resolve("store");
        LocalFolderSink sink = new LocalFolderSink(root);
        RecordingSink.Upload u = sink.begin("livekit/room/a-2026-04-01T195758-TR_x.ogg");
        u.stream().write(new byte[] {1, 2, 3});
        u.stream().flush();
        Path target = root.resolve("livekit/room/a-2026-04-01T195758-TR_x.ogg");
        assertFalse(Files.exists(target));
        assertEquals(2, count(root)); // the .part file holds the flushed bytes; the state names it for recovery
        assertEquals(1, count(sink.spoolDir()));
        try (Stream<Path> s = Files.list(target.getParent())) {
            Path part = s.findFirst().orElseThrow();
            assertTrue(part.getFileName().toString().endsWith(".part"));
            assertEquals(3, Files.size(part));
        }
        String loc = u.commit("audio/ogg");
        assertEquals(target.toRealPath().toString(), loc);
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(3, u.size());
        assertEquals(1, count(root)); // the state file is gone
        assertEquals(root.toRealPath().resolve("livekit/room/EG_1.json").toString(),
                sink.put("livekit/room/EG_1.json", "{}".getBytes(), "application/json"));
    }

    @Test
    void presignedLocationIsAFileUrlAsLiveKitLocalStorageAnswers() throws IOException {
        Path root = tmp.resolve("store");
        RecordingSink sink = PrefixedSink.wrap(new PresigningSink(new LocalFolderSink(root)), "pre");
        RecordingSink.Upload u = sink.begin("a/b.ogg", "audio/ogg", "EG_f");
        u.stream().write(new byte[] {1, 2});
        String loc = u.commit("audio/ogg");
        assertEquals("file://" + root.resolve("pre/a/b.ogg").toRealPath(), loc);
        String mloc = sink.put("a/m.json", new byte[] {'{', '}'}, "application/json");
        assertEquals("file://" + root.resolve("pre/a/m.json").toRealPath(), mloc);
    }

    @Test
    void abortLeavesNothing() throws IOException {
        LocalFolderSink sink = new LocalFolderSink(tmp);
        RecordingSink.Upload u = sink.begin("x/y.ogg");
        u.stream().write(7);
        u.abort();
        assertEquals(0, count(tmp));
    }

    @Test
    void keysCannotLeaveTheFolder() throws IOException {
        Path root = tmp.resolve("store");
        LocalFolderSink sink = new LocalFolderSink(root);
        assertEquals(root.toRealPath().resolve("etc/passwd"), sink.resolve("../../etc/passwd"));
        assertEquals(root.toRealPath().resolve("abs/x.ogg"), sink.resolve("/abs/x.ogg"));
        assertEquals(root.toRealPath().resolve("a/b.ogg"), sink.resolve("a/../../b.ogg"));
        assertEquals(root.toRealPath().resolve("a..b.ogg"), sink.resolve("a\\..\\b.ogg")); // backslashes removed
        assertThrows(IOException.class, () -> sink.resolve(""));
        assertThrows(IOException.class, () -> sink.resolve("../"));
        // a symlinked directory pointing outside is refused
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        assertThrows(IOException.class, () -> sink.begin("link/x.ogg"));
        assertEquals(0, count(outside));
    }

    @Test
    void crashedLocalRecordingIsRepairedAndRenamed() throws Exception {
        Path root = tmp.resolve("store");
        LocalFolderSink sink = new LocalFolderSink(root);
        RecordingSink.Upload u = sink.begin("livekit/room/crash.ogg", "audio/ogg", "EG_local",
                java.util.Map.of("roomName", "room", "trackId", "TR_local", "publisherIdentity", "juan"));
        TrackRecorder rec = new TrackRecorder(u.stream(), new TrackRecorder.Options(), "TR_local");
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(5);
        long t0 = 1_775_073_478_000_000_000L;
        for (int i = 0; i < 1000; i++) { // 20 s of 20 ms packets
            byte[] p = new byte[120];
            rnd.nextBytes(p);
            p[0] = (byte) 0xFC;
            rec.onRtp(p, 0, p.length, i * 960L, i, t0 + (i + 1) * 20_000_000L);
            rec.tick(t0 + (i + 1) * 20_000_000L);
            sent.add(p);
        }
        Path target = root.resolve("livekit/room/crash.ogg");
        assertFalse(Files.exists(target));
        // the process dies here; a new process recovers the .part file
        List<SinkRecovery.Recovered> out = new SinkRecovery(sink.spoolDir()).includeThisProcess(true).recover(null);
        assertEquals(1, out.size());
        SinkRecovery.Recovered r = out.get(0);
        assertTrue(r.complete(), r.toString());
        assertEquals("local", r.kind());
        assertEquals("EG_local", r.owner());
        assertEquals(java.util.Map.of("roomName", "room", "trackId", "TR_local", "publisherIdentity", "juan"),
                r.ownerInfo(), "the egress's description survives the crash");
        assertEquals(target.toRealPath().toString(), r.location());
        assertEquals(Files.size(target), r.sizeBytes());
        OggOpusReader.OggOpusFile f;
        try (InputStream in = Files.newInputStream(target)) {
            f = OggOpusReader.read(in);
        }
        List<OggOpusReader.Packet> got = f.audioPackets();
        assertTrue(got.size() >= sent.size() - 100 && got.size() <= sent.size(), "kept " + got.size());
        for (int i = 0; i < got.size(); i++) assertArrayEquals(sent.get(i), got.get(i).data());
        assertEquals(Math.round(f.durationSeconds() * 1e9), r.durationNanos(), 1e6);
        assertEquals(1, count(root)); // only the recording: no .part, no state
    }

    @Test
    void recordingWithoutAudioIsReportedAndRemoved() throws Exception {
        Path root = tmp.resolve("store");
        LocalFolderSink sink = new LocalFolderSink(root, tmp.resolve("spool"));
        RecordingSink.Upload u = sink.begin("a/empty.ogg", "audio/ogg", "EG_empty");
        u.stream().write(new byte[] {'O', 'g', 'g'}); // killed before the headers were out
        List<SinkRecovery.Recovered> out = new SinkRecovery(tmp.resolve("spool")).includeThisProcess(true).recover(null);
        assertEquals(1, out.size());
        assertFalse(out.get(0).complete());
        assertTrue(out.get(0).error().startsWith("nothing recorded"), out.get(0).error());
        assertEquals(0, count(root));
        assertEquals(0, count(tmp.resolve("spool")));
    }

    /**
     * A commit that threw after the rename (its state file could not be removed) may be called again, as the
     * Upload contract says: the file is in place, so the second call finishes the cleanup and answers the location
     * (the egress's upload retry would otherwise report FAILED for a complete recording).
     */
    @Test
    void aCommitThatThrewAfterTheRenameAnswersTheLocationWhenCalledAgain() throws IOException {
        Path root = tmp.resolve("store");
        Path spool = tmp.resolve("spool");
        LocalFolderSink sink = new LocalFolderSink(root, spool);
        RecordingSink.Upload u = sink.begin("r/a.ogg", "audio/ogg", "EG_a");
        u.stream().write(new byte[] {1, 2, 3});
        Path state;
        try (Stream<Path> s = Files.list(spool)) {
            state = s.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.delete(state);
        Files.createDirectories(state.resolve("blocker")); // its removal fails: DirectoryNotEmptyException
        assertThrows(IOException.class, () -> u.commit("audio/ogg"));
        Path target = root.resolve("r/a.ogg");
        assertTrue(Files.exists(target), "renamed before the failure");
        Files.delete(state.resolve("blocker"));
        assertEquals(target.toString(), u.commit("audio/ogg"));
        assertFalse(Files.exists(state), "state removed by the second call");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    }
}
