package org.jsfu.core.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoopPeriodicTest {

    @Test
    void oneTimerTicksEveryMemberOnTheLoopUntilItLeavesAndSurvivesAThrowingMember() throws Exception {
        try (MediaLoop loop = new MediaLoop("periodic-test")) {
            LoopPeriodic p = loop.every(5);
            assertSame(p, loop.every(5), "one shared timer per period");
            AtomicInteger a = new AtomicInteger();
            AtomicInteger b = new AtomicInteger();
            AtomicInteger thrower = new AtomicInteger();
            AtomicInteger offLoop = new AtomicInteger();
            CountDownLatch bLeft = new CountDownLatch(1);
            long[] lastNow = new long[1];
            p.add(now -> {
                if (!loop.inLoop()) {
                    offLoop.incrementAndGet();
                }
                lastNow[0] = now;
                a.incrementAndGet();
                return true;
            });
            p.add(now -> {
                if (thrower.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("boom");
                }
                return true;
            });
            p.add(now -> {
                if (b.incrementAndGet() == 3) {
                    bLeft.countDown();
                    return false;
                }
                return true;
            });
            assertTrue(bLeft.await(5, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            while (a.get() < 10 && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(5);
            }
            assertTrue(a.get() >= 10, "a ticked " + a.get());
            assertEquals(3, b.get(), "a member that returned false is not ticked again");
            assertTrue(thrower.get() >= 8, "a member that throws stays: " + thrower.get());
            assertEquals(0, offLoop.get());
            assertTrue(lastNow[0] > 0);
            assertEquals(2, loop.submit(p::size).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void timerStopsWhenEmptyAndRestartsOnAdd() throws Exception {
        try (MediaLoop loop = new MediaLoop("periodic-test-2")) {
            LoopPeriodic p = loop.every(2);
            CountDownLatch first = new CountDownLatch(1);
            p.add(now -> {
                first.countDown();
                return false;
            });
            assertTrue(first.await(5, TimeUnit.SECONDS));
            assertEquals(0, loop.submit(p::size).get(5, TimeUnit.SECONDS));
            CountDownLatch again = new CountDownLatch(2);
            p.add(now -> {
                again.countDown();
                return again.getCount() > 0;
            });
            assertTrue(again.await(5, TimeUnit.SECONDS), "ticks resume after the set was empty");
        }
    }
}
