package org.jsfu.server;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressOutput;
import org.jsfu.egress.EgressSinks;
import org.jsfu.egress.EgressStatus;
import org.jsfu.egress.sink.SinkRecovery;
import org.jsfu.core.room.RoomEgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes, at start, the recordings a killed server left in the egress spool folder (see egress-writer
 * README "Durability"), on a background daemon thread, and reports each as an egress_ended EgressInfo
 * (COMPLETE with its file result, or FAILED with the error). The spool state keeps only the egress id,
 * key and times: room, track and publisher are empty in that report.
 */
final class EgressRecovery {
    private static final Logger log = LoggerFactory.getLogger(EgressRecovery.class);

    private EgressRecovery() {}

    /** Starts the recovery thread; {@code ended} gets one EgressInfo per recovered recording. */
    static Thread start(Path spoolDir, RoomEgress.S3Target configuredS3, Consumer<EgressInfo> ended) {
        Thread t = new Thread(() -> {
            try {
                SinkRecovery.recover(spoolDir, EgressSinks.credentials(configuredS3), r -> report(r, ended));
            } catch (RuntimeException e) {
                log.warn("egress recovery failed dir={} error={}", spoolDir, e.toString());
            }
        }, "egress-recovery");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void report(SinkRecovery.Recovered r, Consumer<EgressInfo> ended) {
        log.info("egress recovered egressId={} kind={} key={} location={} bytes={} durationNanos={} complete={} error={}",
                r.owner(), r.kind(), r.key(), r.location(), r.sizeBytes(), r.durationNanos(), r.complete(), r.error());
        if (r.owner() == null || r.owner().isEmpty() || ended == null) {
            return;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        long started = r.startedAtMillis() * 1_000_000L;
        EgressInfo.FileResult file = r.complete()
                ? new EgressInfo.FileResult(r.key(), r.location(), Math.max(0, r.sizeBytes()), started, now,
                        Math.max(0, r.durationNanos()))
                : null;
        EgressInfo info = new EgressInfo(r.owner(), "", "", "", "", r.complete() ? EgressStatus.COMPLETE
                : EgressStatus.FAILED, started, now, now, r.complete() ? null : r.error(),
                "recovered after restart", new EgressOutput(r.key(), true, null), false, file);
        try {
            ended.accept(info);
        } catch (RuntimeException e) {
            log.warn("egress recovery report failed egressId={} error={}", r.owner(), e.toString());
        }
    }
}
