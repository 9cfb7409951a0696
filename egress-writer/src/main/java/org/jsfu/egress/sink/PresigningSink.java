package org.jsfu.egress.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

/**
 * egress.yaml {@code storage.generate_presigned_url}: the location reported for every stored object (the
 * file and its manifest) is a presigned URL valid for {@link #EXPIRY} (7 days, LiveKit egress's value)
 * instead of the plain object URL.
 */
public final class PresigningSink implements RecordingSink {
    public static final Duration EXPIRY = Duration.ofDays(7);

    private final RecordingSink inner;

    public PresigningSink(RecordingSink inner) {
        this.inner = inner;
    }

    @Override
    public Upload begin(String key) throws IOException {
        return presigned(key, inner.begin(key));
    }

    @Override
    public Upload begin(String key, String contentType, String owner) throws IOException {
        return presigned(key, inner.begin(key, contentType, owner));
    }

    @Override
    public Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo)
            throws IOException {
        return presigned(key, inner.begin(key, contentType, owner, ownerInfo));
    }

    @Override
    public String put(String key, byte[] data, String contentType) throws IOException {
        inner.put(key, data, contentType);
        return inner.presignedLocation(key, EXPIRY);
    }

    @Override
    public String presignedLocation(String key, Duration expiry) throws IOException {
        return inner.presignedLocation(key, expiry);
    }

    private Upload presigned(String key, Upload u) {
        return new Upload() {
            @Override
            public OutputStream stream() {
                return u.stream();
            }

            @Override
            public long size() {
                return u.size();
            }

            @Override
            public String commit(String contentType) throws IOException {
                u.commit(contentType);
                return inner.presignedLocation(key, EXPIRY);
            }

            @Override
            public void abort() {
                u.abort();
            }

            @Override
            public void failureReported() throws IOException {
                u.failureReported();
            }

            @Override
            public void holdStateAfterCommit() {
                u.holdStateAfterCommit();
            }

            @Override
            public void releaseState() throws IOException {
                u.releaseState();
            }
        };
    }
}
