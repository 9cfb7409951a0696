package org.jsfu.egress.sink;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jsfu.egress.template.FilepathTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads recordings to S3 (or any S3 API) with minio-java. The recording is written to a local spool
 * file while it runs; {@link Upload#commit} fsyncs it and uploads it (minio-java switches to a
 * multipart upload with 5 MiB parts for larger files), retrying with exponential backoff (0.5 s, 1 s,
 * 2 s, ... capped at 8 s). The spool file is deleted only after S3 confirmed the upload; when every
 * attempt fails (4xx answers other than 408/429 are not retried), commit throws and the spool file stays so {@code commit} can be called again.
 * Parts are not uploaded while recording (a recorded Opus track is ~15 MB per hour).
 */
public final class S3Sink implements RecordingSink {
    private static final Logger log = LoggerFactory.getLogger(S3Sink.class);
    private static final long PART_SIZE = 5L * 1024 * 1024;

    /** S3Upload fields of a track egress request (livekit-protocol.md section 8.1). */
    public record Config(String endpoint, String region, String bucket, String accessKey, String secret,
            String sessionToken, boolean forcePathStyle, String contentDisposition, Map<String, String> metadata,
            Map<String, String> tagging) {}

    /** Waits between attempts; replaced in tests. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Config cfg;
    private final Path spoolDir;
    private final MinioClient client;
    private final Sleeper sleeper;
    private final int maxAttempts;

    public S3Sink(Config cfg, Path spoolDir, int maxAttempts, Sleeper sleeper) throws IOException {
        this.cfg = Objects.requireNonNull(cfg);
        if (cfg.bucket() == null || cfg.bucket().isEmpty()) throw new IllegalArgumentException("bucket required");
        this.spoolDir = Files.createDirectories(spoolDir);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.sleeper = sleeper;
        String endpoint = cfg.endpoint() == null || cfg.endpoint().isEmpty() ? "https://s3.amazonaws.com" : cfg.endpoint();
        MinioClient.Builder b = MinioClient.builder().endpoint(endpoint)
                .region(cfg.region() == null || cfg.region().isEmpty() ? "us-east-1" : cfg.region());
        b.credentialsProvider(new StaticProvider(cfg.accessKey(), cfg.secret(),
                cfg.sessionToken() == null || cfg.sessionToken().isEmpty() ? null : cfg.sessionToken()));
        this.client = b.build();
        if (cfg.forcePathStyle()) client.disableVirtualStyleEndpoint();
    }

    /** Object URL as LiveKit reports it: path style {@code <endpoint>/<bucket>/<key>}, else virtual host. */
    public String location(String key) {
        String ep = cfg.endpoint() == null || cfg.endpoint().isEmpty() ? null : cfg.endpoint().replaceAll("/+$", "");
        if (cfg.forcePathStyle() && ep != null) return ep + "/" + cfg.bucket() + "/" + key;
        String host = ep == null ? "s3.amazonaws.com" : URI.create(ep.contains("://") ? ep : "https://" + ep).getAuthority();
        return "https://" + cfg.bucket() + "." + host + "/" + key;
    }

    @Override
    public Upload begin(String key) throws IOException {
        String k = cleanKey(key);
        Path spool = spoolDir.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".spool");
        return new S3Upload(k, spool, new FileOutputStream(spool.toFile()));
    }

    @Override
    public String put(String key, byte[] data, String contentType) throws IOException {
        String k = cleanKey(key);
        retry("put", k, () -> client.putObject(PutObjectArgs.builder().bucket(cfg.bucket()).object(k)
                .stream(new ByteArrayInputStream(data), data.length, -1).contentType(contentType)
                .headers(headers()).userMetadata(meta()).build()));
        return location(k);
    }

    private static String cleanKey(String key) throws IOException {
        String k = FilepathTemplate.clean(key);
        if (k.isEmpty() || k.endsWith("/")) throw new IOException("invalid key");
        return k;
    }

    private Map<String, String> headers() {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Disposition", cfg.contentDisposition() == null || cfg.contentDisposition().isEmpty()
                ? "inline" : cfg.contentDisposition());
        return h;
    }

    private Map<String, String> meta() {
        return cfg.metadata() == null ? Map.of() : cfg.metadata();
    }

    private interface Call {
        void run() throws Exception;
    }

    private void retry(String what, String key, Call call) throws IOException {
        long delay = 500;
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (Exception e) {
                if (e instanceof ErrorResponseException er && er.response() != null && er.response().code() < 500
                        && er.response().code() != 408 && er.response().code() != 429) {
                    throw new IOException("S3 " + what + " rejected: " + er.errorResponse(), e); // not retryable
                }
                if (attempt >= maxAttempts) {
                    throw new IOException("S3 " + what + " failed after " + attempt + " attempts: " + e, e);
                }
                log.warn("s3 upload retry op={} key={} attempt={} error={}", what, key, attempt, e.toString());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
                delay = Math.min(delay * 2, 8000);
            }
        }
    }

    private final class S3Upload implements Upload {
        private final String key;
        private final Path spool;
        private final FileOutputStream fos;
        private final OutputStream counting;
        private long size;
        private boolean closed;
        private boolean done;

        S3Upload(String key, Path spool, FileOutputStream fos) {
            this.key = key;
            this.spool = spool;
            this.fos = fos;
            this.counting = new FilterOutputStream(fos) {
                @Override public void write(int b) throws IOException { fos.write(b); size++; }
                @Override public void write(byte[] b, int off, int len) throws IOException { fos.write(b, off, len); size += len; }
            };
        }

        @Override public OutputStream stream() { return counting; }
        @Override public long size() { return size; }

        /** The local spool file (kept until S3 confirmed the upload). */
        Path spool() { return spool; }

        @Override
        public String commit(String contentType) throws IOException {
            if (done) throw new IllegalStateException("already committed");
            if (!closed) {
                try (fos) {
                    fos.flush();
                    fos.getChannel().force(true);
                }
                closed = true;
            }
            retry("upload", key, () -> client.uploadObject(UploadObjectArgs.builder().bucket(cfg.bucket()).object(key)
                    .filename(spool.toString(), PART_SIZE).contentType(contentType).headers(headers())
                    .userMetadata(meta()).tags(cfg.tagging() == null ? Map.of() : cfg.tagging()).build()));
            done = true;
            Files.deleteIfExists(spool);
            log.info("s3 upload done key={} bytes={}", key, size);
            return location(key);
        }

        @Override
        public void abort() {
            try {
                if (!closed) fos.close();
                closed = true;
                Files.deleteIfExists(spool);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
