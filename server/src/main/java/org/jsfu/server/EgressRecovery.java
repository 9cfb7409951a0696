package org.jsfu.server;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.EgressSinks;
import org.jsfu.egress.RecoveredEgress;
import org.jsfu.egress.sink.SinkRecovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes, at start, the recordings a killed server left in the egress spool folder (see egress-writer
 * README "Durability"), on a background daemon thread, and hands each outcome to the egress manager
 * ({@code EgressManager::recovered}), which lists it in ListEgress and sends egress_ended with the room,
 * track and publisher the spool state kept. A complete recording's {@code <egress_id>.json} manifest is stored
 * beside it first (unless its output disabled it), so recovered and live recordings leave the same files.
 */
final class EgressRecovery {
    private static final Logger log = LoggerFactory.getLogger(EgressRecovery.class);

    private EgressRecovery() {}

    /**
     * Starts the recovery thread; {@code recovered} gets one outcome per leftover recording. The future completes
     * when every outcome was handed over (or the recovery failed).
     */
    static CompletableFuture<Void> start(Path spoolDir, RoomEgress.S3Target configuredS3,
                                         Consumer<SinkRecovery.Recovered> recovered) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                // each complete recording gets the manifest its commit would have written, after the file is in place
                new SinkRecovery(spoolDir).credentials(EgressSinks.credentials(configuredS3))
                        .companions(RecoveredEgress.manifests(() -> System.currentTimeMillis() * 1_000_000L))
                        .recover(r -> report(r, recovered));
            } catch (RuntimeException e) {
                log.warn("egress recovery failed dir={} error={}", spoolDir, e.toString());
            } finally {
                done.complete(null);
            }
        }, "egress-recovery");
        t.setDaemon(true);
        t.start();
        return done;
    }

    static void report(SinkRecovery.Recovered r, Consumer<SinkRecovery.Recovered> recovered) {
        log.info("egress recovered egressId={} kind={} key={} location={} bytes={} durationNanos={} complete={} "
                + "failureReportedBefore={} room={} track={} error={}", r.owner(), r.kind(), r.key(), r.location(),
                r.sizeBytes(), r.durationNanos(), r.complete(), r.failureReportedBefore(), r.ownerInfo().get("roomName"),
                r.ownerInfo().get("trackId"), r.error());
        try {
            recovered.accept(r);
        } catch (RuntimeException e) {
            log.warn("egress recovery report failed egressId={} error={}", r.owner(), e.toString());
        }
    }
}
