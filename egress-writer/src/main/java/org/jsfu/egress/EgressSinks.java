package org.jsfu.egress;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.sink.LocalFolderSink;
import org.jsfu.egress.sink.PrefixedSink;
import org.jsfu.egress.sink.PresigningSink;
import org.jsfu.egress.sink.RecordingSink;
import org.jsfu.egress.sink.S3Sink;

/**
 * Opens the sink of an egress: the request's S3 upload, else the configured default S3 (egress.yaml
 * storage.s3), else the local folder. Called on the egress I/O thread (may block).
 */
public final class EgressSinks {
    /** Opens a sink for an output. */
    @FunctionalInterface
    public interface Factory {
        RecordingSink open(EgressOutput out) throws IOException;
    }

    private EgressSinks() {}

    /**
     * @param localRoot  folder for files without S3 (created when missing)
     * @param defaultS3  egress.yaml storage.s3, or null
     * @param spoolDir   where S3 uploads are spooled and spool state files kept while recording (a stable
     *                   folder: {@link org.jsfu.egress.sink.SinkRecovery} reads it at the next start)
     */
    public static Factory standard(Path localRoot, RoomEgress.S3Target defaultS3, Path spoolDir) {
        return standard(localRoot, defaultS3, spoolDir, "");
    }

    /**
     * Like {@link #standard(Path, RoomEgress.S3Target, Path)}, every storage path under {@code prefix}
     * (egress.yaml {@code storage.prefix}, applied to the request's S3, the configured S3 and the local
     * folder alike, as LiveKit egress does; see {@link PrefixedSink}).
     */
    public static Factory standard(Path localRoot, RoomEgress.S3Target defaultS3, Path spoolDir, String prefix) {
        return standard(localRoot, defaultS3, spoolDir, prefix, false);
    }

    /**
     * With {@code presign} (egress.yaml {@code storage.generate_presigned_url}) every reported location is a
     * presigned URL valid 7 days ({@link PresigningSink}); the prefix is applied first.
     */
    public static Factory standard(Path localRoot, RoomEgress.S3Target defaultS3, Path spoolDir, String prefix,
                                   boolean presign) {
        Factory f = plain(localRoot, defaultS3, spoolDir);
        return out -> {
            RecordingSink s = f.open(out);
            return PrefixedSink.wrap(presign ? new PresigningSink(s) : s, prefix);
        };
    }

    private static Factory plain(Path localRoot, RoomEgress.S3Target defaultS3, Path spoolDir) {
        // One S3Sink (one S3 client: its HTTP connection pool, and the CA certificates it parses when built,
        // ~0.1 CPU-s) per distinct configuration, shared by the egresses that use it; a few recent ones kept.
        Map<SinkKey, S3Sink> s3Sinks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SinkKey, S3Sink> eldest) {
                return size() > 16;
            }
        };
        return out -> {
            RoomEgress.S3Target s3 = out.s3() != null ? out.s3() : defaultS3;
            if (s3 == null) {
                return new LocalFolderSink(localRoot, spoolDir);
            }
            // keys that came with the request are not in the configuration: keep them in the spool state so
            // SinkRecovery can finish the upload after a crash (configured keys are never written to disk)
            SinkKey key = new SinkKey(s3Config(s3), out.s3() != null && !sameKeys(out.s3(), defaultS3));
            synchronized (s3Sinks) {
                S3Sink sink = s3Sinks.get(key);
                if (sink == null) {
                    sink = new S3Sink(key.config(), spoolDir, 5, Thread::sleep).storeCredentialsInSpool(key.store());
                    s3Sinks.put(key, sink);
                }
                return sink;
            }
        };
    }

    private record SinkKey(S3Sink.Config config, boolean store) {}

    /** Credentials for recovery: the configured S3 keys when endpoint, region and bucket match, else null. */
    public static org.jsfu.egress.sink.SinkRecovery.CredentialSource credentials(RoomEgress.S3Target configured) {
        return (endpoint, region, bucket) -> configured != null && eq(configured.endpoint(), endpoint)
                && eq(configured.region(), region) && eq(configured.bucket(), bucket) ? s3Config(configured) : null;
    }

    static boolean sameKeys(RoomEgress.S3Target a, RoomEgress.S3Target b) {
        return b != null && eq(a.accessKey(), b.accessKey()) && eq(a.secret(), b.secret())
                && eq(a.sessionToken(), b.sessionToken()) && eq(a.endpoint(), b.endpoint())
                && eq(a.region(), b.region()) && eq(a.bucket(), b.bucket());
    }

    private static boolean eq(String a, String b) {
        return (a == null ? "" : a).equals(b == null ? "" : b);
    }

    public static S3Sink.Config s3Config(RoomEgress.S3Target t) {
        return new S3Sink.Config(t.endpoint(), t.region(), t.bucket(), t.accessKey(), t.secret(), t.sessionToken(),
                t.forcePathStyle(), t.contentDisposition(), t.metadata(), tagging(t.tagging()));
    }

    /** S3Upload.tagging is URL-query encoded ({@code k1=v1&k2=v2}). */
    static Map<String, String> tagging(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) {
            return m;
        }
        for (String kv : s.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String v = eq < 0 ? "" : kv.substring(eq + 1);
            m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }
}
