package org.jsfu.egress.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link S3StreamingUpload#commit} called again after it failed (s3proxy killed, then restarted on the same port
 * and data): the second commit completes the object with exactly the bytes written, from the recorded parts.
 */
class S3CommitResumeTest {
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

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    /** Writes {@code size} random bytes, fails a commit with S3 down, commits again with S3 back. */
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
            assertEquals(2, filesIn(spool), "spool and state are kept after a failed commit");
        } finally {
            s3.start();
        }
        String location = u.commit("audio/ogg");
        assertEquals(s3.endpoint() + "/" + S3ProxyServer.BUCKET + "/" + key, location);
        assertArrayEquals(written.toByteArray(), s3.object(key), "the object holds every byte written");
        assertEquals(size, u.size());
        assertEquals(0, filesIn(spool), "spool and state deleted once S3 has the object");
        assertThrows(IllegalStateException.class, () -> u.commit("audio/ogg"), "a committed upload is done");
    }

    @Test
    void aSinglePutCommitSucceedsWhenCalledAgain() throws Exception {
        commitAgainAfterAFailedCommit("resume/small.ogg", 300_000, shared.resolve("spool-small"));
    }

    @Test
    void aMultipartCommitResumesFromTheConfirmedParts() throws Exception {
        commitAgainAfterAFailedCommit("resume/large.ogg", (int) (2 * S3Sink.PART_SIZE + 777_777), shared.resolve("spool-large"));
    }
}
