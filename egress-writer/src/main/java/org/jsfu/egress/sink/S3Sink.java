package org.jsfu.egress.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.egress.template.FilepathTemplate;

/**
 * Uploads recordings to S3 (or any S3 API) with minio-java while they are written.
 *
 * <p>{@link #begin} creates {@code <id>.spool} and {@code <id>.json} ({@link SpoolState}) in the spool
 * folder. The recorder writes to the spool; every full 5 MiB part is uploaded by the I/O executor as one
 * part of a multipart upload (created when the first part is full), and {@link Upload#commit} uploads the
 * last part and completes the object, or PUTs the whole file when it never reached 5 MiB. Each S3 call is
 * retried with exponential backoff (0.5 s, 1 s ... 8 s), without limit by default (4xx answers other than
 * 408/429 are not retried). The spool and state are deleted only after S3 confirmed the complete object;
 * after a crash {@link SinkRecovery} finishes the upload. The same key is written once: one multipart
 * upload, completed once.
 */
public final class S3Sink implements RecordingSink {
    /** S3 minimum part size (all parts but the last). */
    public static final long PART_SIZE = 5L * 1024 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService DEFAULT_IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "egress-s3-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** S3Upload fields of a track egress request (livekit-protocol.md section 8.1). */
    public record Config(String endpoint, String region, String bucket, String accessKey, String secret,
            String sessionToken, boolean forcePathStyle, String contentDisposition, Map<String, String> metadata,
            Map<String, String> tagging) {
        @Override
        public String toString() { // never the keys
            return "S3Sink.Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", forcePathStyle="
                    + forcePathStyle + "]";
        }
    }

    /** Waits between attempts; replaced in tests. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Config cfg;
    private final Path spoolDir;
    private final S3Target target;
    private final Executor io;
    private volatile boolean storeCredentials;

    /** Unlimited retries, real sleeps, the shared I/O pool. */
    public S3Sink(Config cfg, Path spoolDir) throws IOException {
        this(cfg, spoolDir, 0, Thread::sleep, DEFAULT_IO);
    }

    /** {@code maxAttempts <= 0}: retry while the process lives. */
    public S3Sink(Config cfg, Path spoolDir, int maxAttempts, Sleeper sleeper) throws IOException {
        this(cfg, spoolDir, maxAttempts, sleeper, DEFAULT_IO);
    }

    /** @param io runs the part uploads (the egress I/O pool); never the thread that writes the recording */
    public S3Sink(Config cfg, Path spoolDir, int maxAttempts, Sleeper sleeper, Executor io) throws IOException {
        this.cfg = Objects.requireNonNull(cfg);
        if (cfg.bucket() == null || cfg.bucket().isEmpty()) throw new IllegalArgumentException("bucket required");
        this.spoolDir = Files.createDirectories(spoolDir);
        this.io = Objects.requireNonNull(io);
        this.target = new S3Target(cfg, maxAttempts, Objects.requireNonNull(sleeper));
    }

    /**
     * Keep the access key, secret and session token in the spool state files (mode 0600). Use it only when
     * the keys came with the request and are not in the configuration: without them {@link SinkRecovery}
     * cannot finish this sink's uploads after a crash.
     */
    public S3Sink storeCredentialsInSpool(boolean store) {
        this.storeCredentials = store;
        return this;
    }

    public Path spoolDir() {
        return spoolDir;
    }

    /** Object URL as LiveKit reports it: path style {@code <endpoint>/<bucket>/<key>}, else virtual host. */
    public String location(String key) {
        return target.location(key);
    }

    @Override
    public String presignedLocation(String key, java.time.Duration expiry) throws IOException {
        return target.presignedGet(cleanKey(key), expiry);
    }

    @Override
    public Upload begin(String key) throws IOException {
        return begin(key, contentTypeFor(key), null);
    }

    @Override
    public Upload begin(String key, String contentType, String owner) throws IOException {
        return begin(key, contentType, owner, null);
    }

    @Override
    public Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo)
            throws IOException {
        String k = cleanKey(key);
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        SpoolState st = new SpoolState();
        st.kind = SpoolState.KIND_S3;
        st.key = k;
        st.owner = owner;
        st.ownerInfo = ownerInfo == null || ownerInfo.isEmpty() ? null : new TreeMap<>(ownerInfo);
        st.contentType = contentType == null ? contentTypeFor(k) : contentType;
        st.spool = id + ".spool";
        SpoolState.stampProcess(st);
        st.endpoint = cfg.endpoint();
        st.region = cfg.region();
        st.bucket = cfg.bucket();
        st.forcePathStyle = cfg.forcePathStyle();
        st.contentDisposition = cfg.contentDisposition();
        st.metadata = cfg.metadata();
        st.tagging = cfg.tagging();
        if (storeCredentials) {
            st.accessKey = cfg.accessKey();
            st.secret = cfg.secret();
            st.sessionToken = cfg.sessionToken();
        }
        return new S3StreamingUpload(target, spoolDir.resolve(st.spool), spoolDir.resolve(id + ".json"), st, PART_SIZE, io);
    }

    @Override
    public String put(String key, byte[] data, String contentType) throws IOException {
        String k = cleanKey(key);
        target.putBytes(k, data, contentType);
        return location(k);
    }

    static String cleanKey(String key) throws IOException {
        String k = FilepathTemplate.clean(key);
        if (k.isEmpty() || k.endsWith("/")) throw new IOException("invalid key");
        return k;
    }

    /** Content type from the key's extension (the extensions FilepathTemplate produces). */
    static String contentTypeFor(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".ogg")) return "audio/ogg";
        if (k.endsWith(".webm")) return "video/webm";
        if (k.endsWith(".mp4")) return "video/mp4";
        if (k.endsWith(".json")) return "application/json";
        return "application/octet-stream";
    }
}
