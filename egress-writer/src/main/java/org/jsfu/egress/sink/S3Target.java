package org.jsfu.egress.sink;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bucket of an S3 API endpoint and the S3 calls the sink needs (single PUT, multipart create / part /
 * list / complete / abort), each retried with exponential backoff: 0.5 s, 1 s, 2 s ... capped at 8 s, with
 * no limit when {@code maxAttempts <= 0}. Answers 4xx other than 408/429 are not retried
 * ({@link Rejected}). Blocking; called from the egress I/O threads.
 */
final class S3Target {
    private static final Logger log = LoggerFactory.getLogger(S3Target.class);
    static final long MAX_BACKOFF_MS = 8000;

    /** S3 refused the request (4xx other than 408/429); retrying the same request cannot help. */
    static final class Rejected extends UploadRejectedException {
        final String code;

        Rejected(String message, String code, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        boolean noSuchUpload() {
            return "NoSuchUpload".equals(code);
        }
    }

    private final S3Sink.Config cfg;
    private final MinioAsyncClient client;
    private final int maxAttempts;
    private final S3Sink.Sleeper sleeper;

    S3Target(S3Sink.Config cfg, int maxAttempts, S3Sink.Sleeper sleeper) {
        this.cfg = cfg;
        this.maxAttempts = maxAttempts;
        this.sleeper = sleeper;
        String endpoint = cfg.endpoint() == null || cfg.endpoint().isEmpty() ? "https://s3.amazonaws.com" : cfg.endpoint();
        MinioAsyncClient.Builder b = MinioAsyncClient.builder().endpoint(endpoint).region(region(cfg));
        b.credentialsProvider(new StaticProvider(cfg.accessKey(), cfg.secret(),
                cfg.sessionToken() == null || cfg.sessionToken().isEmpty() ? null : cfg.sessionToken()));
        this.client = b.build();
        client.setTimeout(TimeUnit.SECONDS.toMillis(10), TimeUnit.SECONDS.toMillis(60), TimeUnit.SECONDS.toMillis(60));
        if (cfg.forcePathStyle()) client.disableVirtualStyleEndpoint();
    }

    static String region(S3Sink.Config cfg) {
        return cfg.region() == null || cfg.region().isEmpty() ? "us-east-1" : cfg.region();
    }

    S3Sink.Config config() {
        return cfg;
    }

    /** Object URL as LiveKit reports it: path style {@code <endpoint>/<bucket>/<key>}, else virtual host. */
    String location(String key) {
        String ep = cfg.endpoint() == null || cfg.endpoint().isEmpty() ? null : cfg.endpoint().replaceAll("/+$", "");
        if (cfg.forcePathStyle() && ep != null) return ep + "/" + cfg.bucket() + "/" + key;
        String host = ep == null ? "s3.amazonaws.com" : URI.create(ep.contains("://") ? ep : "https://" + ep).getAuthority();
        return "https://" + cfg.bucket() + "." + host + "/" + key;
    }

    /** A presigned GET URL (AWS SigV4 query string), computed locally: the region is configured. */
    String presignedGet(String key, java.time.Duration expiry) throws IOException {
        try {
            return client.getPresignedObjectUrl(io.minio.GetPresignedObjectUrlArgs.builder()
                    .method(io.minio.http.Method.GET).bucket(cfg.bucket()).object(key)
                    .expiry((int) Math.min(expiry.toSeconds(), 7L * 24 * 3600)).build());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot presign " + key + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> headers() {
        return Map.of("Content-Disposition", cfg.contentDisposition() == null || cfg.contentDisposition().isEmpty()
                ? "inline" : cfg.contentDisposition());
    }

    private Map<String, String> meta() {
        return cfg.metadata() == null ? Map.of() : cfg.metadata();
    }

    private Map<String, String> tags() {
        return cfg.tagging() == null ? Map.of() : cfg.tagging();
    }

    void putBytes(String key, byte[] data, String contentType) throws IOException {
        retry("put", key, () -> client.putObject(PutObjectArgs.builder().bucket(cfg.bucket()).object(key)
                .stream(new ByteArrayInputStream(data), data.length, -1).contentType(contentType)
                .headers(headers()).userMetadata(meta()).build()));
    }

    /** Uploads a whole file (minio-java goes multipart with {@code partSize} parts when it is larger). */
    void putFile(String key, Path file, long partSize, String contentType) throws IOException {
        retry("upload", key, () -> client.uploadObject(UploadObjectArgs.builder().bucket(cfg.bucket()).object(key)
                .filename(file.toString(), partSize).contentType(contentType).headers(headers())
                .userMetadata(meta()).tags(tags()).build()));
    }

    String createMultipart(String key, String contentType) throws IOException {
        Multimap<String, String> h = HashMultimap.create();
        h.put("Content-Type", contentType);
        headers().forEach(h::put);
        meta().forEach((k, v) -> h.put("x-amz-meta-" + k, v));
        if (!tags().isEmpty()) {
            StringBuilder t = new StringBuilder();
            tags().forEach((k, v) -> t.append(t.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            h.put("x-amz-tagging", t.toString());
        }
        return retry("create-multipart", key, () -> client.createMultipartUploadAsync(cfg.bucket(), null, key, h, null))
                .result().uploadId();
    }

    /** Uploads part {@code number} (1-based); returns its ETag. */
    String uploadPart(String key, String uploadId, int number, byte[] data, int len) throws IOException {
        return retry("upload-part", key, () -> client.uploadPartAsync(cfg.bucket(), null, key,
                new ByteArrayInputStream(data, 0, len), len, uploadId, number, null, null)).etag();
    }

    void complete(String key, String uploadId, List<Part> parts) throws IOException {
        retry("complete-multipart", key, () -> client.completeMultipartUploadAsync(cfg.bucket(), null, key, uploadId,
                parts.toArray(new Part[0]), null, null));
    }

    /** Parts S3 holds for the upload; {@link Rejected#noSuchUpload()} when the upload id is gone. */
    List<Part> listParts(String key, String uploadId) throws IOException {
        List<Part> all = new ArrayList<>();
        Integer marker = null;
        while (true) {
            Integer m = marker;
            var r = retry("list-parts", key, () -> client.listPartsAsync(cfg.bucket(), null, key, 1000, m, uploadId, null, null)).result();
            all.addAll(r.partList());
            if (!r.isTruncated()) return all;
            marker = r.nextPartNumberMarker();
        }
    }

    /** One attempt, errors only logged: leftover parts are removed by the bucket's lifecycle rules otherwise. */
    void abortQuietly(String key, String uploadId) {
        try {
            client.abortMultipartUploadAsync(cfg.bucket(), null, key, uploadId, null, null).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("s3 abort-multipart failed key={} error={}", key, e.toString());
        }
    }

    interface AsyncCall<T> {
        Future<T> start() throws Exception;
    }

    private <T> T retry(String op, String key, AsyncCall<T> call) throws IOException {
        long delay = 500;
        for (int attempt = 1; ; attempt++) {
            Throwable err;
            try {
                return call.start().get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ie);
            } catch (ExecutionException | CompletionException e) {
                err = e.getCause() == null ? e : e.getCause();
            } catch (Exception e) {
                err = e;
            }
            while ((err instanceof CompletionException || err instanceof ExecutionException) && err.getCause() != null) {
                err = err.getCause();
            }
            if (err instanceof ErrorResponseException er && er.response() != null && er.response().code() < 500
                    && er.response().code() != 408 && er.response().code() != 429) {
                throw new Rejected("S3 " + op + " rejected: " + er.errorResponse(), er.errorResponse().code(), err);
            }
            if (maxAttempts > 0 && attempt >= maxAttempts) {
                throw new IOException("S3 " + op + " failed after " + attempt + " attempts: " + err, err);
            }
            log.warn("s3 retry op={} bucket={} key={} attempt={} backoffMs={} error={}", op, cfg.bucket(), key, attempt,
                    delay, err.toString());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ie);
            }
            delay = Math.min(delay * 2, MAX_BACKOFF_MS);
        }
    }
}
