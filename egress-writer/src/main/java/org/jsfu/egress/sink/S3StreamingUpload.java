package org.jsfu.egress.sink;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recording going to S3 while it is written. The writer's bytes go straight to the spool file (no
 * buffering, so each Ogg page reaches the OS when it is written); when a full part is waiting, an upload
 * task is handed to the I/O executor, so the writer never waits for S3. While S3 is unreachable or
 * answers 5xx the task keeps retrying with backoff and the spool keeps growing. {@link #commit} uploads
 * the rest, completes the object and only then deletes the spool and its state file; when it throws an
 * IOException it may be called again and continues from the confirmed parts.
 */
final class S3StreamingUpload implements RecordingSink.Upload {
    private static final Logger log = LoggerFactory.getLogger(S3StreamingUpload.class);

    private final S3Target target;
    private final String key;
    private final Path spool;
    private final Path statePath;
    private final SpoolState state;
    private final SpooledMultipart multipart;
    private final Executor io;
    private final FileOutputStream fos;
    private final OutputStream stream;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private volatile long written;
    private volatile boolean closed;
    private volatile boolean pumpStopped;
    private boolean done;
    /** The object is complete and its spool is gone (and its state, unless held). */
    private boolean cleanedUp;
    /** {@link #holdStateAfterCommit}: the commit leaves the state (completed) for {@link #releaseState}. */
    private boolean holdState;

    S3StreamingUpload(S3Target target, Path spool, Path statePath, SpoolState state, long partSize, Executor io)
            throws IOException {
        this.target = target;
        this.key = state.key;
        this.spool = spool;
        this.statePath = statePath;
        this.state = state;
        this.io = io;
        state.write(statePath); // the state exists before the first byte of the spool
        this.fos = new FileOutputStream(spool.toFile());
        this.multipart = new SpooledMultipart(target, spool, state, statePath, partSize);
        this.stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                fos.write(b);
                wrote(1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                fos.write(b, off, len);
                wrote(len);
            }

            @Override
            public void flush() throws IOException {
                fos.flush();
            }
        };
    }

    private void wrote(long n) {
        written += n; // single writer thread
        if (!pumpStopped && written - multipart.uploadedBytes() >= multipart.partSize()
                && pumpScheduled.compareAndSet(false, true)) {
            io.execute(this::pump);
        }
    }

    /** On the I/O executor: uploads the full parts waiting in the spool. */
    private void pump() {
        try {
            multipart.uploadFullParts(written, () -> closed || pumpStopped);
        } catch (IOException e) {
            // a rejection or an exhausted attempt budget: commit retries the rest and reports the error
            pumpStopped = true;
            log.warn("s3 part upload stopped key={} error={}", key, e.toString());
        } finally {
            pumpScheduled.set(false);
        }
        if (!closed && !pumpStopped && written - multipart.uploadedBytes() >= multipart.partSize()
                && pumpScheduled.compareAndSet(false, true)) {
            io.execute(this::pump);
        }
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public long size() {
        return written;
    }

    /** The local spool file (kept until S3 confirmed the object). */
    Path spool() {
        return spool;
    }

    @Override
    public String commit(String contentType) throws IOException {
        if (cleanedUp || (done && !state.completed)) throw new IllegalStateException("already finished");
        if (!done) {
            if (!closed) {
                closed = true; // the stream is closed below whatever happens: a later commit resumes from here
                try (fos) {
                    fos.flush();
                    fos.getChannel().force(true);
                }
            }
            // after a failed commit (IOException) this resumes from the parts recorded in the state
            multipart.finish(written, contentType);
            done = true;
            state.completed = true;
            state.completedSize = written;
            state.location = target.location(key);
        }
        // S3 confirmed the object: a call after one that threw below (a full disk) only repeats the cleanup
        state.write(statePath);
        Files.deleteIfExists(spool);
        if (!holdState) {
            Files.deleteIfExists(statePath);
        }
        cleanedUp = true;
        log.info("s3 upload done key={} bytes={} parts={}", key, written, state.parts.size());
        return state.location;
    }

    @Override
    public void holdStateAfterCommit() {
        holdState = true;
    }

    @Override
    public void releaseState() throws IOException {
        if (cleanedUp) Files.deleteIfExists(statePath);
    }

    @Override
    public void failureReported() throws IOException {
        if (cleanedUp || state.completed) return; // the object is in S3: nothing is kept to report again
        state.failureReported = true;
        state.write(statePath);
    }

    @Override
    public void abort() {
        if (done) return;
        done = true;
        pumpStopped = true;
        multipart.discard();
        try {
            if (!closed) fos.close();
            closed = true;
            if (state.uploadId != null) target.abortQuietly(key, state.uploadId);
            Files.deleteIfExists(spool);
            Files.deleteIfExists(statePath);
        } catch (IOException e) {
            log.warn("s3 abort cleanup failed key={} error={}", key, e.toString());
        }
    }
}
