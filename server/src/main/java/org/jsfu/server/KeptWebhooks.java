package org.jsfu.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsfu.signaling.webhook.WebhookNotifier;
import org.jsfu.signaling.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, hands the webhooks an earlier run kept in its outbox to the notifier again. A kept room_finished
 * waits, as a live one does, until the egress recovery has reported the recordings it finished (egress_ended)
 * and those were delivered, at most {@code maxWaitMs}: receivers list the recordings on room_finished.
 */
final class KeptWebhooks {
    private static final Logger log = LoggerFactory.getLogger(KeptWebhooks.class);

    private KeptWebhooks() {}

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
        return recoveryDone
                .thenCompose(v -> EgressSetup.whenDelivered(n, System.currentTimeMillis() + maxWaitMs))
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
