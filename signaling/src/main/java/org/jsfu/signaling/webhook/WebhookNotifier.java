package org.jsfu.signaling.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import livekit.LivekitWebhook.WebhookEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signed webhook events to each configured URL.
 *
 * <p>Each URL has its own bounded queue. Events with the same key (egress id, else room name, else
 * participant identity) are delivered one at a time in enqueue order; different keys go out in
 * parallel (up to {@link Options#maxInFlightPerUrl}). Network errors, 5xx and 429 are retried with
 * exponential backoff (1 s doubling to 30 s) for as long as {@link Options#maxEventAge} allows
 * (default: forever, so a receiver that is down gets everything once it is back); other 4xx
 * answers are final. Nothing the caller does ever blocks on the network. When a URL's queue is
 * full the new event is dropped, logged, and counted in the next event's {@code num_dropped}.
 *
 * <p>With a {@link WebhookOutbox}, {@link #close(Duration)} writes every event not delivered by its deadline
 * (queued, in backoff or in flight) to the outbox, and {@link #resend} queues the kept ones again at the next
 * start; a kept event's file is deleted once a receiver answered 2xx.
 */
public final class WebhookNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /**
     * @param maxEventAge give up on an event this long after it was enqueued; {@link Duration#ZERO} = never
     */
    public record Options(int maxQueuePerUrl, int maxInFlightPerUrl, Duration minBackoff, Duration maxBackoff,
                          Duration requestTimeout, Duration maxEventAge) {
        public Options {
            if (maxQueuePerUrl < 1 || maxInFlightPerUrl < 1) throw new IllegalArgumentException("queue and in-flight limits must be >= 1");
            if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException("backoff must satisfy 0 <= min <= max");
        }

        public static final Options DEFAULTS = new Options(10_000, 4, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ZERO);
    }

    private final String apiKey;
    private final String secret;
    private final Options options;
    private final LongSupplier clockMs;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final List<Lane> lanes = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    /** Where undelivered events go at close; null = dropped. */
    private final WebhookOutbox outbox;
    private volatile boolean closed;

    public WebhookNotifier(List<String> urls, String apiKey, String secret) {
        this(urls, apiKey, secret, Options.DEFAULTS, System::currentTimeMillis);
    }

    public WebhookNotifier(List<String> urls, String apiKey, String secret, Options options, LongSupplier clockMs) {
        this(urls, apiKey, secret, options, clockMs, null);
    }

    /** @param outbox where events not delivered at close are kept for the next start; null = they are dropped */
    public WebhookNotifier(List<String> urls, String apiKey, String secret, Options options, LongSupplier clockMs,
                           WebhookOutbox outbox) {
        this.outbox = outbox;
        this.apiKey = apiKey;
        this.secret = secret;
        this.options = options;
        this.clockMs = clockMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-sender");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.requestTimeout()).build();
        for (String u : urls) lanes.add(new Lane(u));
    }

    /** Queues {@code ev} for every URL; fills {@code id} ("EV_...") and {@code created_at} (unix s) when unset. Never blocks. */
    public void enqueue(WebhookEvent ev) {
        if (lanes.isEmpty()) return;
        long now = clockMs.getAsLong();
        WebhookEvent full = complete(ev, now);
        if (closed && outbox == null) {
            log.warn("webhook dropped after close event={} id={}", full.getEvent(), full.getId());
            return;
        }
        // with an outbox, an event enqueued while close() waits is queued behind its key's earlier events (sent
        // during the wait, or written in order at its end); once close() wrote a lane, the lane writes it after
        String key = key(full);
        for (Lane lane : lanes) lane.offer(full, key, now, null);
    }

    private WebhookEvent complete(WebhookEvent ev, long now) {
        WebhookEvent.Builder b = ev.toBuilder();
        if (b.getId().isEmpty()) b.setId("EV_" + randomId(12));
        if (b.getCreatedAt() == 0) b.setCreatedAt(Math.floorDiv(now, 1000));
        return b.build();
    }

    /**
     * Shutdown: {@code ev} is for the next start, not for now (a room_finished whose room's recording is left to
     * the next start's recovery): written to the outbox for every URL, to be sent by the next start's
     * {@link #resend}. Without an outbox it is queued as {@link #enqueue} does.
     */
    public void keepForNextStart(WebhookEvent ev) {
        if (lanes.isEmpty()) return;
        if (outbox == null) {
            enqueue(ev);
            return;
        }
        WebhookEvent full = complete(ev, clockMs.getAsLong());
        for (Lane lane : lanes) outbox.write(lane.url, full);
        log.info("webhook kept for the next start event={} id={} room={}", full.getEvent(), full.getId(),
                full.getRoom().getName());
    }

    /**
     * Queues events kept in the outbox by an earlier run, in the given order, each for its URL (by hash),
     * keeping their id and created_at; the signature is made with this notifier's key. A kept event goes before
     * the live events of its key not sent yet (enqueued while the outbox was read, or while a kept room_finished
     * waited), which happened after it. A kept event whose URL is no longer configured is logged and its file
     * removed. Returns how many were queued.
     */
    public int resend(List<WebhookOutbox.Kept> kept) {
        int queued = 0;
        long now = clockMs.getAsLong();
        for (WebhookOutbox.Kept k : kept) {
            Lane lane = null;
            for (Lane l : lanes) {
                if (l.urlHash.equals(k.urlHash())) lane = l;
            }
            if (lane == null || closed) {
                if (lane == null) {
                    log.warn("kept webhook dropped: url no longer configured url={} event={} id={} room={}", k.url(),
                            k.event().getEvent(), k.event().getId(), k.event().getRoom().getName());
                    if (outbox != null) outbox.delete(k.file());
                }
                continue;
            }
            log.debug("kept webhook queued again url={} event={} id={} room={}", k.url(), k.event().getEvent(),
                    k.event().getId(), k.event().getRoom().getName());
            lane.offer(k.event(), key(k.event()), now, k.file());
            queued++;
        }
        return queued;
    }

    /** Events waiting or in flight, over all URLs. */
    public int pending() {
        int n = 0;
        for (Lane l : lanes) n += l.size();
        return n;
    }

    /**
     * Stops taking events and waits up to {@code maxWait} for queued ones to be delivered; with an outbox, the
     * wait ends a little earlier (at most 300 ms, a quarter of {@code maxWait}) to write the undelivered ones.
     */
    public void close(Duration maxWait) {
        closed = true;
        long reserve = outbox == null ? 0 : Math.min(300_000_000L, maxWait.toNanos() / 4);
        long deadline = System.nanoTime() + maxWait.toNanos() - reserve;
        while (pending() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.shutdownNow(); // no new attempt from here: what is written below is not also being sent
        try {
            // a pump already running may still mark a head in flight and send it: let it finish first, so that
            // such a head is written as in flight (its late 2xx deletes its file) and not into the batch
            timer.awaitTermination(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = pending();
        if (outbox != null) {
            // the heads in flight go to single files (a late 2xx deletes its file); the rest, most of a long
            // backlog, to one batch file per URL: a durable file costs two fsyncs (0.1-10 ms), too much for
            // 10,000 in the drain. Every lane is marked written, even an empty one: what is enqueued later is
            // written after it.
            int single = 0;
            int batched = 0;
            for (Lane l : lanes) {
                int[] n = l.keepUndelivered();
                single += n[0];
                batched += n[1];
            }
            if (left > 0) {
                log.warn("webhooks not delivered at close, kept in the outbox count={} inFlight={} batched={} dir={}",
                        left, single, batched, outbox.dir());
            }
        } else if (left > 0) {
            log.warn("webhooks not delivered at close count={}", left);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    static String key(WebhookEvent ev) {
        if (ev.hasEgressInfo() && !ev.getEgressInfo().getEgressId().isEmpty()) return ev.getEgressInfo().getEgressId();
        if (ev.hasRoom() && !ev.getRoom().getName().isEmpty()) return ev.getRoom().getName();
        if (ev.hasParticipant()) return ev.getParticipant().getIdentity();
        return "";
    }

    private String randomId(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    private static final class Pending {
        final WebhookEvent event;
        final long enqueuedMs;
        int attempts;
        /** This event's outbox file (kept by an earlier run, or written at close); deleted after a 2xx. */
        volatile java.nio.file.Path kept;

        Pending(WebhookEvent event, long enqueuedMs) {
            this.event = event;
            this.enqueuedMs = enqueuedMs;
        }
    }

    private static final class KeyQueue {
        final ArrayDeque<Pending> events = new ArrayDeque<>();
        boolean inFlight;
        long notBeforeMs;

        /**
         * An event an earlier run kept goes after the kept ones queued before it and after the head in flight,
         * but before the live events not sent yet: they happened later (a live one already sent has gone first).
         */
        void addKept(Pending p) {
            Pending last = events.peekLast();
            if (last == null || last.kept != null || (inFlight && events.size() == 1)) {
                events.add(p); // the usual case: no live event of this key waits
                return;
            }
            ArrayDeque<Pending> reordered = new ArrayDeque<>(events.size() + 1);
            boolean placed = false;
            for (Pending e : events) {
                if (!placed && e.kept == null && !(inFlight && e == events.peekFirst())) {
                    reordered.add(p);
                    placed = true;
                }
                reordered.add(e);
            }
            events.clear();
            events.addAll(reordered);
        }
    }

    /** One URL: per-key FIFO queues; all state guarded by {@code this}. */
    private final class Lane {
        final URI uri;
        final String url;
        final String urlHash;
        /** The URL for logs: without user info or query, which may carry a credential. */
        final String shown;
        final Map<String, KeyQueue> queues = new LinkedHashMap<>();
        int size;
        int inFlight;
        long dropped;
        /** When the earliest scheduled pump fires; MAX_VALUE when none is scheduled. */
        long armedForMs = Long.MAX_VALUE;
        /** close() wrote this lane's undelivered events to the outbox: a later event is written after them. */
        boolean flushed;

        Lane(String url) {
            this.url = url;
            this.uri = URI.create(url);
            this.urlHash = WebhookOutbox.urlHash(url);
            this.shown = WebhookOutbox.displayUrl(url);
        }

        /**
         * At close: writes each event in flight (a key's head) not yet in the outbox to its own file, then the
         * others not yet in it, in queue order, to one batch file, and marks the lane written (under its lock, so
         * an event offered meanwhile is either in the batch or written after it); returns {in flight, batched}.
         */
        synchronized int[] keepUndelivered() {
            if (flushed) {
                return new int[] {0, 0}; // a second close: the batch already holds what is queued
            }
            int n = 0;
            List<WebhookOutbox.Item> rest = new ArrayList<>();
            for (KeyQueue q : queues.values()) {
                Pending head = q.events.peek();
                if (q.inFlight && head != null && head.kept == null) {
                    head.kept = outbox.write(url, head.event);
                    if (head.kept != null) n++;
                }
                for (Pending p : q.events) {
                    if (p.kept == null && !(q.inFlight && p == head)) rest.add(new WebhookOutbox.Item(url, p.event));
                }
            }
            java.nio.file.Path batch = outbox.writeBatch(rest);
            flushed = true;
            return new int[] {n, batch == null ? 0 : rest.size()};
        }

        synchronized int size() {
            return size;
        }

        void offer(WebhookEvent ev, String key, long now, java.nio.file.Path kept) {
            synchronized (this) {
                if (flushed) {
                    // close() already wrote this lane: after its files, so a key's order holds at the next start
                    if (kept == null && outbox.write(url, ev) != null) {
                        log.warn("webhook after close kept in the outbox url={} event={} id={}", shown, ev.getEvent(),
                                ev.getId());
                    }
                    return;
                }
                if (size >= options.maxQueuePerUrl() && kept != null) {
                    log.warn("webhook queue full, kept event stays in the outbox for the next start url={} event={} id={}",
                            shown, ev.getEvent(), ev.getId());
                    return;
                }
                if (size >= options.maxQueuePerUrl()) {
                    dropped++;
                    log.warn("webhook queue full, event dropped url={} event={} dropped={}", shown, ev.getEvent(), dropped);
                    return;
                }
                if (dropped > 0) {
                    ev = ev.toBuilder().setNumDropped((int) Math.min(Integer.MAX_VALUE, ev.getNumDropped() + dropped)).build();
                    dropped = 0;
                }
                Pending p = new Pending(ev, now);
                p.kept = kept;
                KeyQueue q = queues.computeIfAbsent(key, k -> new KeyQueue());
                if (kept == null) {
                    q.events.add(p);
                } else {
                    q.addKept(p);
                }
                size++;
            }
            kick();
        }

        void kick() {
            try {
                timer.execute(this::pump);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed: close() reports what is left
            }
        }

        /** Starts every send that may start now; arms the timer for the earliest backoff otherwise. */
        void pump() {
            List<Map.Entry<String, Pending>> toSend = new ArrayList<>();
            long now = clockMs.getAsLong();
            synchronized (this) {
                long earliest = Long.MAX_VALUE;
                for (Map.Entry<String, KeyQueue> e : queues.entrySet()) {
                    KeyQueue q = e.getValue();
                    if (q.inFlight || q.events.isEmpty()) continue;
                    if (q.notBeforeMs > now) {
                        earliest = Math.min(earliest, q.notBeforeMs);
                        continue;
                    }
                    if (inFlight >= options.maxInFlightPerUrl()) break;
                    q.inFlight = true;
                    inFlight++;
                    toSend.add(Map.entry(e.getKey(), q.events.peek()));
                }
                if (earliest < armedForMs) {
                    final long at = earliest;
                    try {
                        timer.schedule(() -> {
                            synchronized (this) {
                                if (armedForMs == at) armedForMs = Long.MAX_VALUE;
                            }
                            pump();
                        }, Math.max(1, at - now), TimeUnit.MILLISECONDS);
                        armedForMs = at;
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // closed
                    }
                }
            }
            for (Map.Entry<String, Pending> s : toSend) send(s.getKey(), s.getValue());
        }

        void send(String key, Pending p) {
            byte[] body = WebhookSigner.body(p.event);
            HttpRequest req = HttpRequest.newBuilder(uri)
                    .timeout(options.requestTimeout())
                    .header("Content-Type", "application/webhook+json")
                    .header("User-Agent", "LiveKit")
                    .header("Authorization", WebhookSigner.authorization(apiKey, secret, body, clockMs.getAsLong()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            p.attempts++;
            try {
                http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((resp, err) -> done(key, p, resp == null ? -1 : resp.statusCode(), err));
            } catch (RuntimeException e) {
                done(key, p, -1, e);
            }
        }

        void done(String key, Pending p, int status, Throwable err) {
            boolean retry = err != null || status >= 500 || status == 429;
            long now = clockMs.getAsLong();
            Duration maxAge = options.maxEventAge();
            boolean tooOld = !maxAge.isZero() && now - p.enqueuedMs > maxAge.toMillis();
            synchronized (this) {
                KeyQueue q = queues.get(key);
                q.inFlight = false;
                inFlight--;
                if (retry && !tooOld && !closedAndTimerGone()) {
                    q.notBeforeMs = now + backoffMs(p.attempts);
                } else if (retry && !tooOld && outbox != null) {
                    // closed: it stays queued, so close() keeps it (or already did) in the outbox
                } else {
                    q.events.poll();
                    size--;
                    q.notBeforeMs = 0;
                    if (q.events.isEmpty()) queues.remove(key);
                }
            }
            java.nio.file.Path kept = p.kept;
            if (!retry && status >= 200 && status < 300 && kept != null) outbox.delete(kept);
            if (retry) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                String why = cause != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage() : "status " + status;
                if (tooOld) log.warn("webhook dropped after retries (maxEventAge passed; not kept in the outbox) url={} event={} id={} attempts={} reason={}", shown, p.event.getEvent(), p.event.getId(), p.attempts, why);
                else log.warn("webhook delivery failed, will retry url={} event={} id={} attempt={} reason={}", shown, p.event.getEvent(), p.event.getId(), p.attempts, why);
            } else if (status >= 300) {
                log.warn("webhook refused, not retried url={} event={} id={} status={} outboxFileKept={}", shown, p.event.getEvent(), p.event.getId(), status, kept != null);
            } else {
                log.debug("webhook delivered url={} event={} id={}", shown, p.event.getEvent(), p.event.getId());
            }
            kick();
        }

        private boolean closedAndTimerGone() {
            return timer.isShutdown();
        }

        long backoffMs(int attempts) {
            long min = options.minBackoff().toMillis();
            long max = options.maxBackoff().toMillis();
            long d = min << Math.min(attempts - 1, 20);
            return Math.min(max, Math.max(min, d));
        }
    }
}
