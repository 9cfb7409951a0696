package org.jsfu.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsfu.conf.EgressConfig;
import org.jsfu.conf.EgressConfigLoader;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.CommitRetryPolicy;
import org.jsfu.egress.EgressSinks;
import org.jsfu.signaling.webhook.WebhookNotifier;

/** Track egress defaults from egress.yaml: default S3 upload and local folder (./recordings without one). */
final class EgressSetup {
    /**
     * Longest time room_finished waits for the room's egress uploads: the upload retry budget of a running server
     * ({@link CommitRetryPolicy#DEFAULT}, 10 min) plus a minute for the first attempt and the egress's end. The
     * receiver lists the recordings when room_finished arrives, so during an S3 outage it is held until the
     * uploads are in or have failed, not sent ahead of them. Without an outage it goes out seconds after the room
     * closes.
     */
    static final long ROOM_FINISHED_MAX_WAIT_MS = CommitRetryPolicy.DEFAULT.budget().toMillis() + 60_000;

    private EgressSetup() {}

    static EgressSinks.Factory sinks(EgressConfig cfg) {
        boolean storage = cfg != null && cfg.storage() != null;
        return EgressSinks.standard(localRoot(cfg), defaultS3(cfg), spoolDir(cfg),
                storage ? cfg.storage().prefix() : "", storage && cfg.storage().generatePresignedUrl());
    }

    /** egress.yaml storage_dir, else ./recordings. */
    static Path localRoot(EgressConfig cfg) {
        return Path.of(cfg != null && cfg.storageDir() != null && !cfg.storageDir().isEmpty()
                ? cfg.storageDir() : "recordings");
    }

    /** One stable spool folder for S3 spools and local .part states: read again by EgressRecovery at start. */
    static Path spoolDir(EgressConfig cfg) {
        return localRoot(cfg).resolve(".egress-spool");
    }

    /**
     * Webhook events not delivered at shutdown, sent at the next start: next to the egress spool, on the volume
     * that already has to survive a restart.
     */
    static Path webhookSpoolDir(EgressConfig cfg) {
        return localRoot(cfg).resolve(".webhook-spool");
    }

    /** egress.yaml storage.s3, or null. */
    static RoomEgress.S3Target defaultS3(EgressConfig cfg) {
        RoomEgress.S3Target s3 = null;
        if (cfg != null && cfg.storage() != null && cfg.storage().s3() != null) {
            EgressConfig.S3 c = cfg.storage().s3();
            s3 = new RoomEgress.S3Target(c.accessKey(), c.secret(), c.sessionToken(), c.region(), c.endpoint(),
                    c.bucket(), c.forcePathStyle(), Map.of(), "", "");
        }
        return s3;
    }

    /**
     * Completes when the notifier has nothing queued or in flight (so egress_ended, another notifier key,
     * reaches the receiver before room_finished), or at {@code deadlineMs}.
     */
    static CompletableFuture<Void> whenDelivered(WebhookNotifier n, long deadlineMs) {
        if (n.pending() == 0 || System.currentTimeMillis() >= deadlineMs) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
                .thenCompose(v -> whenDelivered(n, deadlineMs));
    }

    /** egress.yaml when EGRESS_CONFIG_FILE or EGRESS_CONFIG_BODY is set, else null. */
    static EgressConfig load(Map<String, String> env) {
        String file = env.get("EGRESS_CONFIG_FILE");
        String body = env.get("EGRESS_CONFIG_BODY");
        if ((file == null || file.isEmpty()) && (body == null || body.isBlank())) {
            return null;
        }
        return EgressConfigLoader.load(new String[0], env);
    }
}
