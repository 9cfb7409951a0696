package org.jsfu.signaling.webhook;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * (url, event), written as a temp file then renamed: {@code <writtenMs>-<seq>-<eventId>.hook} holding a
 * magic, the URL with user info and query removed (for logs), the SHA-256 of the full URL (to match it
 * against the configured ones without writing a credential a URL may carry), the serialized
 * {@code WebhookEvent} and a CRC32 of all that. No signature, key or secret is written: the Authorization
 * header is computed when the event is sent. File names sort in write order, which keeps the per-key order.
 * Bounded by {@link Limits}: beyond {@code maxFiles} new events are not written, and files older than
 * {@code maxAge} (by the event's {@code created_at}) are removed at load, as are unreadable ones.
 */
public final class WebhookOutbox {
    private static final Logger log = LoggerFactory.getLogger(WebhookOutbox.class);
    private static final int MAGIC = 0x4a574831; // "JWH1"
    private static final String SUFFIX = ".hook";
    private static final String TEMP_SUFFIX = ".tmp";

    /** @param maxFiles most files kept; {@code maxAge} oldest event kept, by its created_at */
    public record Limits(int maxFiles, Duration maxAge) {
        public static final Limits DEFAULTS = new Limits(10_000, Duration.ofDays(7));
    }

    /** An event read back: its file (deleted once a receiver answered 2xx) and where it was going. */
    public record Kept(Path file, String urlHash, String url, WebhookEvent event) {}

    private final Path dir;
    private final Limits limits;
    private final LongSupplier clockMs;
    private final AtomicLong seq = new AtomicLong();

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
    public Path write(String url, WebhookEvent ev) {
        try {
            Files.createDirectories(dir);
            int count = count();
            if (count >= limits.maxFiles()) {
                log.warn("webhook outbox full, event dropped dir={} files={} url={} event={} id={}", dir, count,
                        displayUrl(url), ev.getEvent(), ev.getId());
                return null;
            }
            String name = String.format("%013d-%06d-%s", clockMs.getAsLong(), seq.getAndIncrement() % 1_000_000,
                    ev.getId().replaceAll("[^A-Za-z0-9_]", "_"));
            Path tmp = dir.resolve(name + TEMP_SUFFIX);
            Path file = dir.resolve(name + SUFFIX);
            Files.write(tmp, encode(url, ev));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("webhook outbox write failed dir={} url={} event={} id={} error={}", dir, displayUrl(url),
                    ev.getEvent(), ev.getId(), e.toString());
            return null;
        }
    }

    /** Removes a file once its event was delivered (or given up on). */
    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("webhook outbox delete failed file={} error={}", file, e.toString());
        }
    }

    /**
     * The kept events in write order; removes leftover temp files, unreadable files and events older than
     * {@link Limits#maxAge}, each logged.
     */
    public List<Kept> load() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(SUFFIX)) {
                    files.add(p);
                } else if (n.endsWith(TEMP_SUFFIX)) {
                    log.warn("webhook outbox: partial file removed file={}", p);
                    delete(p);
                }
            }
        } catch (IOException e) {
            log.warn("webhook outbox unreadable dir={} error={}", dir, e.toString());
            return List.of();
        }
        files.sort(null);
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
        return out;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeUTF(displayUrl(url));
        out.writeUTF(urlHash(url));
        byte[] body = ev.toByteArray();
        out.writeInt(body.length);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    static Kept decode(Path file, byte[] data) throws IOException {
        if (data.length < 8) {
            throw new IOException("truncated");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a webhook outbox file");
        }
        String url = in.readUTF();
        String hash = in.readUTF();
        int len = in.readInt();
        if (len < 0 || len > data.length) {
            throw new IOException("bad length " + len);
        }
        byte[] body = in.readNBytes(len);
        if (body.length != len || in.readLong() != crc.getValue() || in.available() != 0) {
            throw new IOException("checksum mismatch or trailing bytes");
        }
        return new Kept(file, hash, url, WebhookEvent.parseFrom(body));
    }
}
