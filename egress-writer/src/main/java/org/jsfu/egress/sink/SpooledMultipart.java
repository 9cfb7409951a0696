package org.jsfu.egress.sink;

import io.minio.messages.Part;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads a growing spool file as one S3 multipart upload: part n is bytes [(n-1)·P, n·P) of the spool
 * (P = 5 MiB, the S3 minimum for all parts but the last); the last part is whatever remains at the end.
 * Every confirmed part is recorded in the {@link SpoolState} file before the next one starts, so a restarted
 * process continues where this one stopped. When S3 no longer knows the upload id (NoSuchUpload), a new
 * upload is started from the first byte. A file that never reached one full part goes up in one PUT. All
 * methods hold one lock: the I/O thread uploading a part and the committing thread never overlap.
 */
final class SpooledMultipart {
    private static final Logger log = LoggerFactory.getLogger(SpooledMultipart.class);

    private final S3Target target;
    private final String key;
    private final Path spool;
    private final SpoolState state;
    private final Path statePath;
    private final long partSize;
    private volatile int partsDone;
    private volatile boolean discarded;

    SpooledMultipart(S3Target target, Path spool, SpoolState state, Path statePath, long partSize) {
        this.target = target;
        this.key = state.key;
        this.spool = spool;
        this.state = state;
        this.statePath = statePath;
        this.partSize = partSize;
        this.partsDone = state.parts.size();
    }

    /** The recording was aborted: no further S3 call or state write (a part in flight is not recorded). */
    void discard() {
        discarded = true;
    }

    /** Bytes of the spool already confirmed by S3 as full parts. */
    long uploadedBytes() {
        return partsDone * partSize;
    }

    long partSize() {
        return partSize;
    }

    /** Uploads every full part below {@code available} bytes, until {@code stop} says so. */
    synchronized void uploadFullParts(long available, BooleanSupplier stop) throws IOException {
        while (!stop.getAsBoolean() && available - uploadedBytes() >= partSize) {
            uploadPart(uploadedBytes(), partSize);
        }
    }

    /**
     * Uploads what remains of a spool of {@code total} bytes and completes the object; returns after S3
     * confirmed it.
     */
    synchronized void finish(long total, String contentType) throws IOException {
        if (contentType != null && !contentType.equals(state.contentType)) {
            if (state.uploadId == null) {
                state.contentType = contentType;
            } else {
                log.warn("s3 content type fixed at upload start key={} used={} asked={}", key, state.contentType, contentType);
            }
        }
        if (state.uploadId == null && total < partSize) {
            target.putFile(key, spool, partSize, state.contentType);
            return;
        }
        while (true) {
            // full parts, then the short last one; a restart (upload id gone) empties the list and loops again
            while (covered() < total) uploadPart(covered(), Math.min(partSize, total - covered()));
            if (state.uploadId == null) continue;
            List<Part> parts = new ArrayList<>();
            for (SpoolState.PartDone p : state.parts) parts.add(new Part(p.number, p.etag));
            try {
                target.complete(key, state.uploadId, parts);
                return;
            } catch (S3Target.Rejected e) {
                if (!e.noSuchUpload()) throw e;
                restart();
            }
        }
    }

    /** Forgets the parts at or after byte {@code offset} (they will be uploaded again). */
    synchronized void dropPartsFrom(long offset) throws IOException {
        int keep = (int) Math.min(state.parts.size(), offset / partSize);
        if (keep == state.parts.size()) return;
        state.parts.subList(keep, state.parts.size()).clear();
        partsDone = keep;
        state.write(statePath);
    }

    /** Keeps only the recorded parts that S3 still lists with the same ETag, from part 1 on. */
    synchronized void reconcile(List<Part> listed) throws IOException {
        int keep = 0;
        for (SpoolState.PartDone p : state.parts) {
            boolean found = false;
            for (Part l : listed) {
                if (l.partNumber() == p.number && stripQuotes(l.etag()).equals(stripQuotes(p.etag))) found = true;
            }
            if (!found || p.number != keep + 1 || p.size != partSize) break;
            keep++;
        }
        dropPartsFrom(keep * partSize);
    }

    private long covered() {
        long c = 0;
        for (SpoolState.PartDone p : state.parts) c += p.size;
        return c;
    }

    private static String stripQuotes(String s) {
        return s == null ? "" : s.replace("\"", "");
    }

    /** Starts over with a new upload id (the old one is gone). */
    synchronized void restart() throws IOException {
        log.warn("s3 multipart upload lost, starting over key={} uploadId={}", key, state.uploadId);
        state.uploadId = null;
        state.parts.clear();
        partsDone = 0;
        state.write(statePath);
    }

    private void uploadPart(long offset, long len) throws IOException {
        if (discarded) throw new IOException("upload aborted");
        byte[] data = new byte[(int) len];
        try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) throw new IOException("spool shorter than expected");
            }
        }
        while (true) {
            if (state.uploadId == null) {
                state.uploadId = target.createMultipart(key, state.contentType);
                if (discarded) {
                    target.abortQuietly(key, state.uploadId);
                    throw new IOException("upload aborted");
                }
                state.write(statePath);
                log.info("s3 multipart started key={} uploadId={}", key, state.uploadId);
            }
            int number = (int) (offset / partSize) + 1;
            try {
                String etag = target.uploadPart(key, state.uploadId, number, data, data.length);
                if (discarded) throw new IOException("upload aborted");
                state.parts.add(new SpoolState.PartDone(number, etag, len));
                state.write(statePath);
                partsDone = state.parts.size();
                log.debug("s3 part uploaded key={} part={} bytes={}", key, number, len);
                return;
            } catch (S3Target.Rejected e) {
                if (!e.noSuchUpload()) throw e;
                restart();
                if (offset > 0) return; // the caller's loop uploads from the first byte again
            }
        }
    }
}
