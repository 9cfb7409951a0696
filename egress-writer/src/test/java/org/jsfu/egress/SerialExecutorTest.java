package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void manyEgressesKeepTheirOrderOnAFewThreadsAndNeverRunTwoTasksAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int executors = 200;
            int perExecutor = 500;
            List<List<Integer>> seen = new ArrayList<>();
            List<SerialExecutor> serial = new ArrayList<>();
            AtomicInteger[] running = new AtomicInteger[executors];
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(executors * perExecutor);
            for (int i = 0; i < executors; i++) {
                seen.add(Collections.synchronizedList(new ArrayList<>()));
                serial.add(new SerialExecutor(pool));
                running[i] = new AtomicInteger();
            }
            // several producers, as the room loops are
            ExecutorService producers = Executors.newFixedThreadPool(3);
            for (int p = 0; p < 3; p++) {
                int first = p;
                producers.execute(() -> {
                    for (int i = first; i < executors; i += 3) {
                        int e = i;
                        for (int k = 0; k < perExecutor; k++) {
                            int n = k;
                            serial.get(e).execute(() -> {
                                try {
                                    if (running[e].incrementAndGet() != 1) {
                                        overlaps.incrementAndGet();
                                    }
                                    seen.get(e).add(n);
                                    if (n % 97 == 0) {
                                        throw new IllegalStateException("a failing task does not stop the next");
                                    }
                                } finally {
                                    running[e].decrementAndGet();
                                    done.countDown();
                                }
                            });
                        }
                    }
                });
            }
            producers.shutdown();
            assertTrue(done.await(30, TimeUnit.SECONDS), "all tasks ran");
            assertEquals(0, overlaps.get(), "one task at a time per executor");
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            for (int e = 0; e < executors; e++) {
                List<Integer> s = seen.get(e);
                assertEquals(perExecutor, s.size(), "executor " + e);
                for (int k = 0; k < perExecutor; k++) {
                    assertEquals(k, s.get(k), "executor " + e + " order");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectedDrainDoesNotWedgeTheExecutorAndLosesNoTask() {
        List<Runnable> accepted = new ArrayList<>();
        AtomicInteger rejections = new AtomicInteger(1);
        SerialExecutor serial = new SerialExecutor(r -> {
            if (rejections.getAndDecrement() > 0) {
                throw new RejectedExecutionException("pool saturated");
            }
            accepted.add(r);
        });
        List<String> ran = new ArrayList<>();
        assertThrows(RejectedExecutionException.class, () -> serial.execute(() -> ran.add("first")));
        serial.execute(() -> ran.add("second")); // schedules again: the flag was reset after the rejection
        assertEquals(1, accepted.size(), "the second execute reached the pool");
        accepted.get(0).run();
        assertEquals(List.of("first", "second"), ran, "the task queued before the rejection still runs, in order");
    }
}
