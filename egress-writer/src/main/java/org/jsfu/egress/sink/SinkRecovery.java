package org.jsfu.egress.sink;

import io.minio.messages.Part;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jsfu.ogg.OggRepair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the recordings a killed process left in a spool folder, at startup.
 *
 * <p>For each {@code <id>.json} {@link SpoolState} whose writer is no longer running: the spool (or local
 * {@code .part}) file is cut after its last valid Ogg page and given an EOS page ({@link OggRepair}), then
 * an S3 recording's multipart upload is continued (parts S3 still lists with the recorded ETag and below
 * the cut are kept, the rest is uploaded, the object completed; a new upload when the id is gone) and a
 * local one is renamed to its final name. Once a recording is complete, the small objects its owner wants beside
 * it ({@link #companions}: the egress manifest) are stored in the same folder or bucket, before the state file is
 * removed (so a crash in between stores them at the next start). Each outcome goes to the listener, so the egress
 * can be marked COMPLETE or FAILED and its webhook sent; a recording whose files are kept after a failure is marked
 * in its state ({@code failureReported}), so that the outcome of a later start tells the failure was reported.
 * Blocking, and S3 calls retry like {@link S3Sink} (no limit by default): run it on a background thread.
 */
public final class SinkRecovery {
    private static final Logger log = LoggerFactory.getLogger(SinkRecovery.class);

    /**
     * One recovered (or lost) recording.
     *
     * @param kind "s3" or "local"
     * @param owner what the writer passed to {@link RecordingSink#begin(String, String, String)} (the egress id), or null
     * @param location object URL or absolute path; null when not complete
     * @param sizeBytes final size, -1 when unknown
     * @param durationNanos playable duration, -1 when unknown (the upload had completed before the crash)
     * @param startedAtMillis when the recording's upload began (epoch ms)
     * @param complete true when the object is now complete at {@code location}
     * @param error why not, else null; for a complete recording, a companion that could not be stored
     * @param ownerInfo what the writer passed to {@link RecordingSink#begin(String, String, String, Map)}; empty if none
     * @param failureReportedBefore the recording was reported FAILED before (by its writer, or by an earlier
     *        recovery), its files kept: a failure now is not to be reported again
     */
    public record Recovered(String kind, String key, String owner, String location, long sizeBytes, long durationNanos,
            long startedAtMillis, boolean complete, String error, Map<String, String> ownerInfo,
            boolean failureReportedBefore) {
        public Recovered {
            ownerInfo = ownerInfo == null ? Map.of() : Map.copyOf(ownerInfo);
        }

        public Recovered(String kind, String key, String owner, String location, long sizeBytes, long durationNanos,
                         long startedAtMillis, boolean complete, String error, Map<String, String> ownerInfo) {
            this(kind, key, owner, location, sizeBytes, durationNanos, startedAtMillis, complete, error, ownerInfo, false);
        }
    }

    /**
     * A small object stored beside a complete recording (the egress manifest).
     *
     * @param name file name in the recording's folder (no '/')
     */
    public record Companion(String name, byte[] body, String contentType) {
        public Companion {
            if (name == null || name.isEmpty() || name.contains("/") || name.startsWith(".")) {
                throw new IllegalArgumentException("companion name must be a plain file name: " + name);
            }
        }
    }

    /** What to store beside a recovered recording once it is complete; an empty list for nothing. */
    @FunctionalInterface
    public interface Companions {
        List<Companion> beside(Recovered complete);
    }

    /** Stores one companion in the recording's folder or bucket. */
    @FunctionalInterface
    private interface CompanionWriter {
        void write(Companion c) throws IOException;
    }

    /** The S3 settings with keys for a stored target (from the egress configuration); null when there are none. */
    public interface CredentialSource {
        S3Sink.Config configFor(String endpoint, String region, String bucket);
    }

    private final Path spoolDir;
    private CredentialSource credentials = (e, r, b) -> null;
    private int maxAttempts;
    private S3Sink.Sleeper sleeper = Thread::sleep;
    private boolean includeThisProcess;
    private Companions companions = r -> List.of();

    public SinkRecovery(Path spoolDir) {
        this.spoolDir = Objects.requireNonNull(spoolDir);
    }

    /** Recovers every leftover in {@code spoolDir}; see {@link #recover(Consumer)}. */
    public static List<Recovered> recover(Path spoolDir, CredentialSource credentials, Consumer<Recovered> listener) {
        return new SinkRecovery(spoolDir).credentials(credentials).recover(listener);
    }

    public SinkRecovery credentials(CredentialSource c) {
        this.credentials = c == null ? (e, r, b) -> null : c;
        return this;
    }

    /** S3 attempts per call; {@code <= 0} (default) retries while the process lives. */
    public SinkRecovery retries(int maxAttempts, S3Sink.Sleeper sleeper) {
        this.maxAttempts = maxAttempts;
        this.sleeper = Objects.requireNonNull(sleeper);
        return this;
    }

    /** Objects to store beside each recording it completes (written after the recording is in place). */
    public SinkRecovery companions(Companions c) {
        this.companions = Objects.requireNonNull(c);
        return this;
    }

    /** Also take uploads this process started and abandoned (tests that simulate a crash in-process). */
    public SinkRecovery includeThisProcess(boolean include) {
        this.includeThisProcess = include;
        return this;
    }

    /**
     * Handles every state file whose writer is gone; calls {@code listener} once per recording and returns
     * all outcomes. Files of a recording that could not be finished for a reason that may pass (S3
     * rejected, no credentials) are kept for the next start; a recording without complete Ogg headers
     * (nothing was recorded) is deleted.
     */
    public List<Recovered> recover(Consumer<Recovered> listener) {
        List<Recovered> out = new ArrayList<>();
        if (!Files.isDirectory(spoolDir)) return out;
        List<Path> states = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(spoolDir, "*.json")) {
            ds.forEach(states::add);
        } catch (IOException e) {
            log.warn("spool folder unreadable dir={} error={}", spoolDir, e.toString());
            return out;
        }
        for (Path statePath : states) {
            SpoolState st;
            try {
                st = SpoolState.read(statePath);
            } catch (IOException e) {
                log.warn("spool state unreadable file={} error={}", statePath, e.toString());
                continue;
            }
            if (st.writerAlive() && !(includeThisProcess && st.writtenByThisProcess())) continue;
            boolean reportedBefore = st.failureReported;
            Recovered r;
            try {
                r = SpoolState.KIND_LOCAL.equals(st.kind) ? recoverLocal(st, statePath) : recoverS3(st, statePath);
            } catch (IOException | RuntimeException e) {
                r = failed(st, e.toString());
            }
            if (!r.complete() && !reportedBefore && Files.exists(statePath)) {
                // kept for the next start, which is to report a failure no more (the listener reports this one)
                try {
                    st.failureReported = true;
                    st.write(statePath);
                } catch (IOException e) {
                    log.warn("spool state not updated, the failure may be reported again file={} error={}", statePath,
                            e.toString());
                }
            }
            if (reportedBefore) {
                r = new Recovered(r.kind(), r.key(), r.owner(), r.location(), r.sizeBytes(), r.durationNanos(),
                        r.startedAtMillis(), r.complete(), r.error(), r.ownerInfo(), true);
            }
            log.info("egress recovery kind={} key={} owner={} complete={} bytes={} durationNanos={} failureReportedBefore={} error={}",
                    r.kind(), r.key(), r.owner(), r.complete(), r.sizeBytes(), r.durationNanos(), reportedBefore, r.error());
            out.add(r);
            if (listener != null) listener.accept(r);
        }
        return out;
    }

    private static Recovered failed(SpoolState st, String why) {
        return new Recovered(st.kind, st.key, st.owner, null, -1, -1, st.createdAtMillis, false, why, st.ownerInfo);
    }

    private static Recovered done(SpoolState st, String location, long size, long duration) {
        return new Recovered(st.kind, st.key, st.owner, location, size, duration, st.createdAtMillis, true, null,
                st.ownerInfo);
    }

    private Recovered recoverLocal(SpoolState st, Path statePath) throws IOException {
        Path part = Path.of(st.spool);
        Path target = Path.of(st.target);
        CompanionWriter beside = c -> writeLocal(target.resolveSibling(c.name()), c.body());
        if (!Files.exists(part)) {
            if (Files.exists(target)) { // renamed just before the crash
                Recovered r = withCompanions(done(st, target.toString(), Files.size(target), durationOf(target)), beside);
                Files.deleteIfExists(statePath);
                return r;
            }
            Files.deleteIfExists(statePath);
            return failed(st, "recording file missing");
        }
        OggRepair.Result rep;
        try {
            rep = OggRepair.repair(part);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            Files.deleteIfExists(statePath);
            return failed(st, "nothing recorded: " + e.getMessage());
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Recovered r = withCompanions(done(st, target.toString(), rep.repairedLength(), rep.durationNanos()), beside);
        Files.deleteIfExists(statePath);
        return r;
    }

    /**
     * Stores the companions of a complete recording; the first that cannot be stored ends it, and the recording
     * is still reported complete, with that error (as a live egress whose manifest upload fails).
     */
    private Recovered withCompanions(Recovered r, CompanionWriter writer) {
        List<Companion> list;
        try {
            list = companions.beside(r);
        } catch (RuntimeException e) {
            log.warn("recovery companions failed key={} owner={} error={}", r.key(), r.owner(), e.toString());
            return withError(r, "cannot describe the recording: " + e.getMessage());
        }
        for (Companion c : list) {
            try {
                writer.write(c);
                log.info("egress recovery stored beside key={} name={} bytes={}", r.key(), c.name(), c.body().length);
            } catch (IOException | RuntimeException e) {
                log.warn("egress recovery could not store beside key={} name={} error={}", r.key(), c.name(), e.toString());
                return withError(r, c.name() + " upload failed: " + e.getMessage());
            }
        }
        return r;
    }

    private static Recovered withError(Recovered r, String error) {
        return new Recovered(r.kind(), r.key(), r.owner(), r.location(), r.sizeBytes(), r.durationNanos(),
                r.startedAtMillis(), r.complete(), error, r.ownerInfo(), r.failureReportedBefore());
    }

    /** Written to a temporary name in the same folder and renamed: a reader never sees half of it. */
    private static void writeLocal(Path file, byte[] body) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, body);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The key of {@code name} in the folder of {@code key}. */
    static String keyBeside(String key, String name) {
        int slash = key.lastIndexOf('/');
        return (slash < 0 ? "" : key.substring(0, slash + 1)) + name;
    }

    private static long durationOf(Path f) {
        try {
            return OggRepair.inspect(f).durationNanos();
        } catch (IOException e) {
            return -1;
        }
    }

    private Recovered recoverS3(SpoolState st, Path statePath) throws IOException {
        Path spool = spoolDir.resolve(st.spool);
        S3Sink.Config cfg = st.secret != null
                ? new S3Sink.Config(st.endpoint, st.region, st.bucket, st.accessKey, st.secret, st.sessionToken,
                        st.forcePathStyle, st.contentDisposition, st.metadata, st.tagging)
                : configured(st);
        if (st.completed) { // S3 confirmed before the crash; the cleanup (and the companions) were left
            Files.deleteIfExists(spool);
            Recovered r = done(st, st.location, st.completedSize, -1);
            S3Target t = cfg == null ? null : new S3Target(cfg, maxAttempts, sleeper);
            r = withCompanions(r, c -> {
                if (t == null) throw new IOException("no S3 credentials configured for bucket " + st.bucket);
                t.putBytes(keyBeside(st.key, c.name()), c.body(), c.contentType());
            });
            Files.deleteIfExists(statePath);
            return r;
        }
        if (cfg == null) return failed(st, "no S3 credentials configured for bucket " + st.bucket + " (files kept)");
        S3Target target = new S3Target(cfg, maxAttempts, sleeper);
        if (!Files.exists(spool)) {
            if (st.uploadId != null) target.abortQuietly(st.key, st.uploadId);
            Files.deleteIfExists(statePath);
            return failed(st, "spool file missing");
        }
        OggRepair.Result rep;
        try {
            rep = OggRepair.repair(spool);
        } catch (IOException e) {
            if (st.uploadId != null) target.abortQuietly(st.key, st.uploadId);
            Files.deleteIfExists(spool);
            Files.deleteIfExists(statePath);
            return failed(st, "nothing recorded: " + e.getMessage());
        }
        SpooledMultipart mp = new SpooledMultipart(target, spool, st, statePath, S3Sink.PART_SIZE);
        if (st.uploadId != null) {
            try {
                List<Part> listed = target.listParts(st.key, st.uploadId);
                mp.reconcile(listed);
            } catch (S3Target.Rejected e) {
                if (!e.noSuchUpload()) throw e;
                mp.restart();
            }
            mp.dropPartsFrom(rep.firstChangedOffset()); // parts holding bytes the repair changed go up again
            log.info("s3 recovery resumes upload key={} uploadId={} partsKept={} fromByte={} totalBytes={}", st.key,
                    st.uploadId, st.parts.size(), mp.uploadedBytes(), rep.repairedLength());
        }
        try {
            mp.finish(rep.repairedLength(), st.contentType);
        } catch (S3Target.Rejected e) {
            return failed(st, e.getMessage() + " (files kept)");
        }
        st.completed = true;
        st.completedSize = rep.repairedLength();
        st.location = target.location(st.key);
        st.write(statePath);
        Files.deleteIfExists(spool);
        // the object is in place: now what goes beside it; a crash before the state is gone stores them again
        Recovered r = withCompanions(done(st, st.location, rep.repairedLength(), rep.durationNanos()),
                c -> target.putBytes(keyBeside(st.key, c.name()), c.body(), c.contentType()));
        Files.deleteIfExists(statePath);
        return r;
    }

    private S3Sink.Config configured(SpoolState st) {
        S3Sink.Config c = credentials.configFor(st.endpoint, st.region, st.bucket);
        if (c == null) return null;
        // keys from the configuration, everything else as the recording started
        return new S3Sink.Config(st.endpoint, st.region, st.bucket, c.accessKey(), c.secret(), c.sessionToken(),
                st.forcePathStyle, st.contentDisposition, st.metadata, st.tagging);
    }
}
