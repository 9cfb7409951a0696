package org.jsfu.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jsfu.signaling.webhook.WebhookNotifier;
import org.jsfu.signaling.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, hands the webhooks an earlier run kept in its outbox to the notifier again. A kept room_finished
 * waits, as a live one does, until the egress recovery has reported the recordings it finished (egress_ended)
 * and those were delivered, at most {@code maxWaitMs}: receivers list the recordings on room_finished.
 * The outbox is read on a daemon thread: after a long outage it may hold thousands of events (a batch file
 * is split into one file per event at ~0.5-1 ms a file here), which must not delay the start.
 */
final class KeptWebhooks {
    private static final Logger log = LoggerFactory.getLogger(KeptWebhooks.class);

    private KeptWebhooks() {}

    /**
     * Reads {@code outbox} (null: none) on a daemon thread, queues what it holds, then starts the egress recovery
     * ({@code recovery} starts it and returns a future completing when it reported everything) so that a recovered
     * egress_ended follows a kept one of the same egress; kept room_finished events follow the recovery.
     */
    static void start(WebhookNotifier n, WebhookOutbox outbox, Supplier<CompletableFuture<?>> recovery, long maxWaitMs) {
        start(outbox, (k, recovered) -> {
            if (n != null) {
                resend(n, k, recovered, maxWaitMs);
            }
        }, recovery);
    }

    /** {@link #start} with the queueing given: {@code queue} gets the kept events and the recovery's end. */
    static void start(WebhookOutbox outbox, BiConsumer<List<WebhookOutbox.Kept>, CompletableFuture<?>> queue,
                      Supplier<CompletableFuture<?>> recovery) {
        CompletableFuture<List<WebhookOutbox.Kept>> kept = outbox == null
                ? CompletableFuture.completedFuture(List.of()) : load(outbox);
        kept.thenAccept(k -> {
            CompletableFuture<Object> recovered = new CompletableFuture<>();
            try {
                queue.accept(k, recovered);
            } catch (RuntimeException e) {
                // the kept webhooks stay on disk for the next start; the recovery must start all the same
                log.warn("webhooks kept by the last run not queued error={}", e.toString());
            }
            try {
                recovery.get().whenComplete((v, e) -> recovered.complete(null));
            } catch (RuntimeException e) {
                log.warn("egress recovery did not start error={}", e.toString());
                recovered.complete(null);
            }
        });
    }

    /** The outbox's events, read on a daemon thread. */
    static CompletableFuture<List<WebhookOutbox.Kept>> load(WebhookOutbox outbox) {
        CompletableFuture<List<WebhookOutbox.Kept>> loaded = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                loaded.complete(outbox.load());
            } catch (RuntimeException e) {
                log.warn("webhook outbox unreadable dir={} error={}", outbox.dir(), e.toString());
                loaded.complete(List.of());
            }
        }, "webhook-outbox");
        t.setDaemon(true);
        t.start();
        return loaded;
    }

    /** Queues {@code kept} now, its room_finished events once {@code recoveryDone} and delivery allow; the future completes then. */
    static CompletableFuture<Void> resend(WebhookNotifier n, List<WebhookOutbox.Kept> kept,
                                          CompletableFuture<?> recoveryDone, long maxWaitMs) {
        if (kept.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<WebhookOutbox.Kept> now = new ArrayList<>();
        List<WebhookOutbox.Kept> finishes = new ArrayList<>();
        for (WebhookOutbox.Kept k : kept) {
            (k.event().getEvent().equals("room_finished") ? finishes : now).add(k);
        }
        log.info("webhooks kept by the last run queued again count={} roomFinishedHeld={}", kept.size(), finishes.size());
        n.resend(now);
        if (finishes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        // one deadline for both waits: the delivery poll, which starts when the recovery ends, stops at it too
        // (not maxWaitMs after the recovery's end, polling on long after the timeout below sent room_finished)
        long deadlineMs = System.currentTimeMillis() + maxWaitMs;
        return recoveryDone
                .thenCompose(v -> EgressSetup.whenDelivered(n, deadlineMs))
                .orTimeout(maxWaitMs, TimeUnit.MILLISECONDS)
                .handle((v, err) -> {
                    if (err != null) {
                        log.warn("kept room_finished sent before the egress recovery ended error={}", err.toString());
                    }
                    n.resend(finishes);
                    return null;
                });
    }
}
