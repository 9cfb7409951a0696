package org.jsfu.egress.sink;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jsfu.egress.template.FilepathTemplate;

/**
 * Writes objects under a root folder ({@code storage_dir}). The key is cleaned and the resolved path is
 * checked to stay under the root (symlinked directories included). Data goes to a hidden
 * {@code .<name>.<random>.part} file beside the target, is fsynced and atomically renamed on commit, so
 * readers never see a half-written file. A {@link SpoolState} file in the spool folder (default
 * {@code <root>/.egress-spool}) names the {@code .part} file and its target while it is written, so after a
 * crash {@link SinkRecovery} repairs the {@code .part} file (everything up to the last written Ogg page)
 * and renames it. The location is the absolute path.
 */
public final class LocalFolderSink implements RecordingSink {
    private final Path root;
    private final Path spoolDir;

    /** Spool state files go to {@code <root>/.egress-spool}. */
    public LocalFolderSink(Path root) throws IOException {
        this(root, null);
    }

    /** @param spoolDir folder for the state files; null for {@code <root>/.egress-spool} */
    public LocalFolderSink(Path root, Path spoolDir) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
        this.spoolDir = Files.createDirectories(spoolDir == null ? this.root.resolve(".egress-spool") : spoolDir).toRealPath();
    }

    public Path spoolDir() {
        return spoolDir;
    }

    /** The absolute target path of {@code key}; throws when it would leave the root. */
    public Path resolve(String key) throws IOException {
        String clean = FilepathTemplate.clean(key);
        if (clean.isEmpty() || clean.endsWith("/")) throw new IOException("invalid key");
        Path target = root.resolve(clean).normalize();
        if (!target.startsWith(root)) throw new IOException("key escapes the storage folder");
        if (target.startsWith(spoolDir)) throw new IOException("key inside the spool folder");
        Files.createDirectories(target.getParent());
        if (!target.getParent().toRealPath().startsWith(root)) throw new IOException("key escapes the storage folder");
        return target;
    }

    /** {@code file://} + the absolute path (LiveKit's local storage does the same). */
    @Override
    public String presignedLocation(String key, java.time.Duration expiry) throws IOException {
        return "file://" + resolve(key).toRealPath();
    }

    @Override
    public Upload begin(String key) throws IOException {
        return begin(key, null, null);
    }

    @Override
    public Upload begin(String key, String contentType, String owner) throws IOException {
        return begin(key, contentType, owner, null, true);
    }

    @Override
    public Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo)
            throws IOException {
        return begin(key, contentType, owner, ownerInfo, true);
    }

    private Upload begin(String key, String contentType, String owner, Map<String, String> ownerInfo,
                         boolean durable) throws IOException {
        Path target = resolve(key);
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        Path part = target.resolveSibling("." + target.getFileName() + "." + id + ".part");
        SpoolState st = new SpoolState();
        st.kind = SpoolState.KIND_LOCAL;
        st.key = root.relativize(target).toString();
        st.owner = owner;
        st.ownerInfo = ownerInfo == null || ownerInfo.isEmpty() ? null : new TreeMap<>(ownerInfo);
        st.contentType = contentType;
        st.spool = part.toString();
        st.target = target.toString();
        SpoolState.stampProcess(st);
        Path statePath = durable ? spoolDir.resolve(id + ".json") : null;
        if (durable) st.write(statePath); // before the .part file exists
        FileOutputStream fos = new FileOutputStream(part.toFile());
        return new LocalUpload(target, part, fos, statePath);
    }

    @Override
    public String put(String key, byte[] data, String contentType) throws IOException {
        Upload u = begin(key, contentType, null, null, false); // small and written at once: no recovery state
        try {
            u.stream().write(data);
        } catch (IOException e) {
            u.abort();
            throw e;
        }
        return u.commit(contentType);
    }

    private static final class LocalUpload implements Upload {
        private final Path target;
        private final Path part;
        private final FileOutputStream fos;
        private final OutputStream counting;
        private final Path statePath;
        private long size;
        private boolean done;
        private boolean closed;
        /** The file is in place under its key (a commit call after one that threw only removes the state). */
        private boolean renamed;
        /** {@link #holdStateAfterCommit}: the commit leaves the state for {@link #releaseState}. */
        private boolean holdState;

        LocalUpload(Path target, Path part, FileOutputStream fos, Path statePath) {
            this.target = target;
            this.part = part;
            this.fos = fos;
            this.statePath = statePath;
            this.counting = new FilterOutputStream(fos) {
                @Override public void write(int b) throws IOException { fos.write(b); size++; }
                @Override public void write(byte[] b, int off, int len) throws IOException { fos.write(b, off, len); size += len; }
            };
        }

        @Override public OutputStream stream() { return counting; }
        @Override public long size() { return size; }

        @Override
        public String commit(String contentType) throws IOException {
            if (renamed) {
                // an earlier call renamed the file, then threw removing the state: only that is left to do
                if (statePath != null && !holdState) Files.deleteIfExists(statePath);
                return target.toString();
            }
            if (done) throw new IllegalStateException("already finished");
            if (!closed) {
                closed = true; // a commit that threw may be called again: it retries the rename
                try (fos) {
                    fos.flush();
                    fos.getChannel().force(true);
                }
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            renamed = true;
            if (statePath != null && !holdState) Files.deleteIfExists(statePath);
            return target.toString();
        }

        @Override
        public void holdStateAfterCommit() {
            holdState = true;
        }

        @Override
        public void releaseState() throws IOException {
            if (renamed && statePath != null) Files.deleteIfExists(statePath);
        }

        @Override
        public void abort() {
            if (done) return;
            done = true;
            try {
                fos.close();
                Files.deleteIfExists(part);
                if (statePath != null) Files.deleteIfExists(statePath);
            } catch (IOException ignored) {
                // best effort: a leftover .part file is harmless
            }
        }
    }
}
