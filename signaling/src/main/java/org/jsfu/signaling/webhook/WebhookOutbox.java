package org.jsfu.signaling.webhook;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import livekit.LivekitWebhook.WebhookEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of webhook events not delivered before shutdown, read again at the next start. One file per
 * (url, event), written as a temp file, flushed to the disk (fsync) and renamed, the folder flushed after:
 * {@code <writtenMs>-<seq>-<eventId>.hook} holding a magic, the URL with user info and query removed (for
 * logs), the SHA-256 of the full URL (to match it against the configured ones without writing a credential a
 * URL may carry), the serialized {@code WebhookEvent} and a CRC32 of all that. At close many events at once go
 * to one batch file ({@code .batch}, the same records one after another, one CRC32), since creating thousands
 * of files does not fit in a drain; {@link #load()} splits a batch into single files (names derived from the
 * batch's, so a split interrupted by a crash is redone without duplicates) before it returns anything. No
 * signature, key or secret is written: the Authorization header is computed when the event is sent. File
 * names sort in write order, which keeps the per-key order.
 * Bounded by {@link Limits}: beyond {@code maxFiles} new events are not written, and files older than
 * {@code maxAge} (by the event's {@code created_at}) are removed at load, as are unreadable ones.
 */
public final class WebhookOutbox {
    private static final Logger log = LoggerFactory.getLogger(WebhookOutbox.class);
    private static final int MAGIC = 0x4a574831; // "JWH1"
    private static final String SUFFIX = ".hook";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String BATCH_SUFFIX = ".batch";
    private static final int BATCH_MAGIC = 0x4a574842; // "JWHB"

    /** @param maxFiles most files kept; {@code maxAge} oldest event kept, by its created_at */
    public record Limits(int maxFiles, Duration maxAge) {
        public static final Limits DEFAULTS = new Limits(10_000, Duration.ofDays(7));
    }

    /** An event to keep for a URL. */
    public record Item(String url, WebhookEvent event) {}

    /** An event read back: its file (deleted once a receiver answered 2xx) and where it was going. */
    public record Kept(Path file, String urlHash, String url, WebhookEvent event) {}

    private final Path dir;
    private final Limits limits;
    private volatile boolean dirSyncRefused;
    private final LongSupplier clockMs;
    private final AtomicLong seq = new AtomicLong();
    /** Files in the folder as far as this process knows; -1 until first counted. Guarded by {@code this}. */
    private int files = -1;
    /** The time in the newest file name written or found at load; guarded by {@code this}. */
    private long lastNameMs;
    /** Held by {@link #load()} (not {@code this}, which a write takes). */
    private final Object loading = new Object();

    public WebhookOutbox(Path dir, Limits limits, LongSupplier clockMs) {
        this.dir = dir;
        this.limits = limits;
        this.clockMs = clockMs;
    }

    public Path dir() {
        return dir;
    }

    /** Hex SHA-256 of the URL exactly as configured. */
    public static String urlHash(String url) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL without user info, query or fragment: what logs and the outbox files show. */
    public static String displayUrl(String url) {
        try {
            URI u = new URI(url);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "(unparsable url)";
        }
    }

    /**
     * Writes one event for {@code url} (atomically: temp file, then rename). Returns the file, or null when
     * the outbox is full or the write failed (both logged).
     */
    public synchronized Path write(String url, WebhookEvent ev) {
        try {
            Files.createDirectories(dir);
            if (files < 0) {
                files = count();
            }
            if (files >= limits.maxFiles()) {
                log.warn("webhook outbox full, event dropped dir={} files={} url={} event={} id={}", dir, files,
                        displayUrl(url), ev.getEvent(), ev.getId());
                return null;
            }
            String name = nextName() + "-" + safeId(ev);
            Path tmp = dir.resolve(name + TEMP_SUFFIX);
            Path file = dir.resolve(name + SUFFIX);
            writeDurably(tmp, encode(url, ev), file);
            syncDirectory();
            files++;
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("webhook outbox write failed dir={} url={} event={} id={} error={}", dir, displayUrl(url),
                    ev.getEvent(), ev.getId(), e.toString());
            return null;
        }
    }

    /**
     * Writes {@code items} (in order) to one batch file, atomically; returns it, or null when there was nothing
     * to write or the write failed. Beyond the file limit, the newest items are left out (logged).
     */
    public synchronized Path writeBatch(List<Item> items) {
        if (items.isEmpty()) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            if (files < 0) {
                files = count();
            }
            int room = Math.max(0, limits.maxFiles() - files);
            if (room < items.size()) {
                log.warn("webhook outbox full, events dropped dir={} files={} dropped={}", dir, files, items.size() - room);
                items = items.subList(0, room);
                if (items.isEmpty()) {
                    return null;
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(BATCH_MAGIC);
            out.writeInt(items.size());
            java.util.Map<String, String[]> urls = new java.util.HashMap<>();
            for (Item it : items) {
                String[] u = urls.computeIfAbsent(it.url(), x -> new String[] {displayUrl(x), urlHash(x)});
                out.writeUTF(u[0]);
                out.writeUTF(u[1]);
                byte[] body = it.event().toByteArray();
                out.writeInt(body.length);
                out.write(body);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            String name = nextName();
            Path tmp = dir.resolve(name + TEMP_SUFFIX);
            Path file = dir.resolve(name + BATCH_SUFFIX);
            writeDurably(tmp, bytes.toByteArray(), file);
            syncDirectory();
            files += items.size();
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("webhook outbox batch write failed dir={} count={} error={}", dir, items.size(), e.toString());
            return null;
        }
    }

    /** Removes a file once its event was delivered (or given up on). */
    public synchronized void delete(Path file) {
        try {
            if (Files.deleteIfExists(file) && files > 0 && file.getFileName().toString().endsWith(SUFFIX)) {
                files--;
            }
        } catch (IOException e) {
            log.warn("webhook outbox delete failed file={} error={}", file, e.toString());
        }
    }

    /**
     * The kept events in write order; removes leftover temp files, unreadable files and events older than
     * {@link Limits#maxAge}, each logged. Only the folder's listing is taken under this outbox's lock: the
     * reading and splitting (seconds for thousands of files) are not, so a {@link #write} or {@link #writeBatch}
     * meanwhile (a close at shutdown) is not held by them. What is written meanwhile is not returned (it is for
     * the next start) and is named after every listed file, so a key's order holds at the next start.
     */
    public List<Kept> load() {
        synchronized (loading) { // one load at a time: a split writes names a second one would write too
            Listing listing = list();
            if (listing == null) {
                return List.of();
            }
            for (Path p : listing.temps) {
                log.warn("webhook outbox: partial file removed file={}", p);
                delete(p);
            }
            java.util.SortedSet<Path> files = new java.util.TreeSet<>(listing.hooks);
            for (Path b : listing.batches) {
                files.addAll(split(b)); // a split redone after a crash names the files it named before
            }
            long oldestS = Math.floorDiv(clockMs.getAsLong() - limits.maxAge().toMillis(), 1000);
            List<Kept> out = new ArrayList<>();
            for (Path f : files) {
                Kept k;
                try {
                    k = decode(f, Files.readAllBytes(f));
                } catch (IOException | RuntimeException e) {
                    log.warn("webhook outbox: unreadable file removed file={} error={}", f, e.toString());
                    delete(f);
                    continue;
                }
                if (k.event().getCreatedAt() < oldestS) {
                    log.warn("webhook outbox: event older than the limit dropped url={} event={} id={} createdAt={} maxAge={}",
                            k.url(), k.event().getEvent(), k.event().getId(), k.event().getCreatedAt(), limits.maxAge());
                    delete(f);
                    continue;
                }
                out.add(k);
            }
            synchronized (this) {
                try {
                    this.files = count(); // the kept ones and whatever was written meanwhile
                } catch (IOException e) {
                    this.files = -1;
                }
            }
            return out;
        }
    }

    /** The folder's files when a load begins. */
    private record Listing(List<Path> hooks, List<Path> batches, List<Path> temps) {}

    /**
     * Under {@code this}, so no write is half done (a write holds it from its temp file to the rename): lists the
     * folder and moves the name clock past the newest listed name (a clock behind the last run's must not name
     * new files before its leftovers, nor a name of the same millisecond with a lower sequence). Null: no folder.
     */
    private synchronized Listing list() {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Listing l = new Listing(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(SUFFIX) || n.endsWith(BATCH_SUFFIX)) {
                    (n.endsWith(SUFFIX) ? l.hooks : l.batches).add(p);
                    try {
                        lastNameMs = Math.max(lastNameMs, Long.parseLong(n.substring(0, 13)) + 1);
                    } catch (RuntimeException notOurs) {
                        // a foreign name: it sorts where it sorts
                    }
                } else if (n.endsWith(TEMP_SUFFIX)) {
                    l.temps.add(p);
                }
            }
        } catch (IOException e) {
            log.warn("webhook outbox unreadable dir={} error={}", dir, e.toString());
            return null;
        }
        return l;
    }

    /**
     * A batch file becomes single files named {@code <batch name>-<index>-<event id>.hook}, then is removed;
     * returns them. A batch unreadable part way (logged) keeps the files of the records before the fault.
     */
    private List<Path> split(Path b) {
        List<Path> out = new ArrayList<>();
        String base = b.getFileName().toString();
        base = base.substring(0, base.length() - BATCH_SUFFIX.length());
        try {
            byte[] data = Files.readAllBytes(b);
            DataInputStream in = checked(data);
            if (in.readInt() != BATCH_MAGIC) {
                throw new IOException("not a webhook outbox batch");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String url = in.readUTF();
                String hash = in.readUTF();
                byte[] body = body(in, data.length);
                WebhookEvent ev = WebhookEvent.parseFrom(body);
                String name = String.format("%s-%06d-%s", base, i, safeId(ev));
                Path tmp = dir.resolve(name + TEMP_SUFFIX);
                Path file = dir.resolve(name + SUFFIX);
                try {
                    Files.write(tmp, encode(url, hash, body)); // flushed to the disk below, all at once
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    if (Files.isRegularFile(tmp)) {
                        delete(tmp);
                    }
                    return undoSplit(b, out, e.toString());
                }
                out.add(file);
            }
            if (in.available() != 8) {
                throw new IOException("trailing bytes");
            }
            String unsynced = flushAll(out);
            if (unsynced != null) {
                return undoSplit(b, out, unsynced);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("webhook outbox: unreadable batch removed file={} recordsKept={} error={}", b, out.size(),
                    e.toString());
            String unsynced = flushAll(out); // the records read before the fault are kept, durably like the rest
            if (unsynced != null) {
                log.warn("webhook outbox: records kept from it not flushed to the disk error={}", unsynced);
            }
        }
        syncDirectory(); // the single files' names are on disk before the batch's removal
        delete(b);
        return out;
    }

    /**
     * The batch is fine, the disk is not (full? failing?): removes the files written from it and keeps the batch;
     * the next start splits it again under the same names, so nothing is lost and nothing is sent twice.
     */
    private List<Path> undoSplit(Path batch, List<Path> written, String error) {
        log.warn("webhook outbox: batch not split, kept for the next start file={} error={}", batch, error);
        for (Path f : written) {
            delete(f);
        }
        return List.of();
    }

    /** Threads that flush a split's files at once: the disk's journal commits concurrent flushes together. */
    private static final int FLUSH_THREADS = 8;

    /**
     * Flushes {@code files} to the disk ({@code fsync} each), several at a time: one after another, a split of
     * thousands of events would wait for thousands of journal commits. Until this returns null the batch stays,
     * so a crash before it only makes the next start split the batch again under the same names. Returns null,
     * or the first error.
     */
    private static String flushAll(List<Path> files) {
        if (files.isEmpty()) {
            return null;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(FLUSH_THREADS, files.size()), r -> {
                    Thread t = new Thread(r, "webhook-outbox-flush");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Path f : files) {
                done.add(pool.submit(() -> {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> d : done) {
                d.get();
            }
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code data} to {@code tmp}, flushed to the disk ({@code fsync}), then renamed to {@code file}, so that
     * after a crash of the machine, not only of the process, the file is either whole or absent. The rename
     * itself is durable once {@link #syncDirectory} ran.
     */
    private static void writeDurably(Path tmp, byte[] data, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Flushes the folder's entries (new and renamed names) to the disk; where a platform refuses, logged once. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            if (!dirSyncRefused) {
                dirSyncRefused = true;
                log.info("webhook outbox: the folder cannot be synced dir={} error={}", dir, e.toString());
            }
        }
    }

    /** Under {@code this}: never below an earlier name's time, so names sort in write order if the clock steps back. */
    private String nextName() {
        lastNameMs = Math.max(lastNameMs, clockMs.getAsLong());
        return String.format("%013d-%06d", lastNameMs, seq.getAndIncrement() % 1_000_000);
    }

    private static String safeId(WebhookEvent ev) {
        String id = ev.getId().replaceAll("[^A-Za-z0-9_]", "_");
        return id.length() > 40 ? id.substring(0, 40) : id; // for people reading the folder; the file holds the id
    }

    private int count() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path ignored : ds) {
                n++;
            }
        }
        return n;
    }

    static byte[] encode(String url, WebhookEvent ev) throws IOException {
        return encode(displayUrl(url), urlHash(url), ev.toByteArray());
    }

    private static byte[] encode(String displayUrl, String hash, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeUTF(displayUrl);
        out.writeUTF(hash);
        out.writeInt(body.length);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    static Kept decode(Path file, byte[] data) throws IOException {
        DataInputStream in = checked(data);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a webhook outbox file");
        }
        String url = in.readUTF();
        String hash = in.readUTF();
        byte[] body = body(in, data.length);
        if (in.available() != 8) {
            throw new IOException("trailing bytes");
        }
        return new Kept(file, hash, url, WebhookEvent.parseFrom(body));
    }

    /** A reader over {@code data} once its trailing CRC32 matches. */
    private static DataInputStream checked(byte[] data) throws IOException {
        if (data.length < 8) {
            throw new IOException("truncated");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        long stored = java.nio.ByteBuffer.wrap(data, data.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new IOException("checksum mismatch");
        }
        return new DataInputStream(new java.io.ByteArrayInputStream(data));
    }

    private static byte[] body(DataInputStream in, int max) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > max) {
            throw new IOException("bad length " + len);
        }
        byte[] body = in.readNBytes(len);
        if (body.length != len) {
            throw new IOException("truncated event");
        }
        return body;
    }
}
