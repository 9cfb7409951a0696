package org.jsfu.core.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DtlsWarmUpTest {
    @Test
    void completesAHandshakeAndReleasesItsThreads() throws Exception {
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newCachedThreadPool();
        try {
            assertTrue(DtlsWarmUp.start(pool, 10_000).get(30, TimeUnit.SECONDS), "both sides connected");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.getActiveCount() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(0, pool.getActiveCount(), "no handshake thread left running");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectingPoolReportsFalse() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        pool.shutdown();
        assertFalse(DtlsWarmUp.start(pool, 1_000).get(10, TimeUnit.SECONDS));
    }
}
