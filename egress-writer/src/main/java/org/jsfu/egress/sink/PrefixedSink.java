package org.jsfu.egress.sink;

import java.io.IOException;
import java.util.Map;
import org.jsfu.egress.template.FilepathTemplate;

/**
 * egress.yaml {@code storage.prefix}: LiveKit egress joins it in front of every storage path it uploads
 * (the file and its manifest, whatever the storage), while FileInfo.filename and the manifest's
 * {@code filename} stay the unprefixed path; only {@code location} shows the prefix.
 */
public final class PrefixedSink implements RecordingSink {
    private final RecordingSink inner;
    private final String prefix;

    private PrefixedSink(RecordingSink inner, String prefix) {
        this.inner = inner;
        this.prefix = prefix;
    }

    /** {@code inner} itself when the prefix is empty (or cleans to nothing). */
    public static RecordingSink wrap(RecordingSink inner, String prefix) {
        String p = prefix == null ? "" : FilepathTemplate.clean(prefix);
        return p.isEmpty() ? inner : new PrefixedSink(inner, p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }

    /** The storage path of {@code key} under the prefix (like Go's path.Join, then cleaned by the sink). */
    public String key(String key) {
        return prefix + "/" + key;
    }

    @Override
    public Upload begin(String key) throws IOException {
        return inner.begin(key(key));
    }

    @Override
    public Upload begin(String key, String contentType, String owner) throws IOException {
        return inner.begin(key(key), contentType, owner);
    }

    @Override
    public Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo)
            throws IOException {
        return inner.begin(key(key), contentType, owner, ownerInfo);
    }

    @Override
    public String presignedLocation(String key, java.time.Duration expiry) throws IOException {
        return inner.presignedLocation(key(key), expiry);
    }

    @Override
    public String put(String key, byte[] data, String contentType) throws IOException {
        return inner.put(key(key), data, contentType);
    }
}
