package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IoPoolTest {

    @Test
    void oneTaskAtATimeNeedsOneThread() throws Exception {
        IoPool pool = new IoPool(16, 60, Executors.defaultThreadFactory());
        try {
            for (int i = 0; i < 100; i++) {
                CountDownLatch done = new CountDownLatch(1);
                pool.execute(done::countDown);
                assertTrue(done.await(5, TimeUnit.SECONDS));
                // afterExecute runs just after the task: let the thread go back to waiting on the queue
                for (int w = 0; w < 200 && pool.getActiveCount() > 0; w++) Thread.sleep(1);
            }
            assertEquals(1, pool.getPoolSize(), "a free thread is reused, none is started");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void growsToItsMaximumUnderLoadThenQueues() throws Exception {
        IoPool pool = new IoPool(4, 60, Executors.defaultThreadFactory());
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(4);
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 10; i++) {
                pool.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ran.incrementAndGet();
                });
            }
            assertTrue(started.await(5, TimeUnit.SECONDS), "four tasks run at once");
            assertEquals(4, pool.getPoolSize());
            assertEquals(6, pool.getQueue().size(), "the rest wait in the queue");
            release.countDown();
            for (int w = 0; w < 500 && ran.get() < 10; w++) Thread.sleep(10);
            assertEquals(10, ran.get(), "every queued task runs");
        } finally {
            pool.shutdownNow();
        }
    }
}
