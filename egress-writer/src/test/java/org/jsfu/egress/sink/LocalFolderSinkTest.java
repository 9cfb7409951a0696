package org.jsfu.egress.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
}
