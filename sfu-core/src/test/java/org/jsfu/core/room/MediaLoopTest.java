package org.jsfu.core.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MediaLoopTest {

    /**
     * A room arms a 300 s empty_timeout and cancels it at the first join; a loop that kept cancelled timers
     * until their delay ended held each one (and the room it captured) for 5 minutes under churn.
     */
    @Test
    void cancelledTimersLeaveTheQueueAtOnce() throws Exception {
        try (MediaLoop loop = new MediaLoop("test-loop")) {
            List<ScheduledFuture<?>> timers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                timers.add(loop.schedule(() -> { }, 300_000));
            }
            assertEquals(100, loop.queuedTasks());
            timers.forEach(t -> t.cancel(false));
            assertEquals(0, loop.queuedTasks());
            // the loop still runs what is due
            assertEquals(7, loop.submit(() -> 7).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void periodicMembersCountUntilTheyLeave() throws Exception {
        try (MediaLoop loop = new MediaLoop("test-loop")) {
            int[] ticks = {0};
            loop.every(10).add(now -> ++ticks[0] < 3);
            loop.every(20).add(now -> true);
            assertEquals(2, (int) loop.submit(loop::periodicMembers).get(5, TimeUnit.SECONDS));
            long end = System.nanoTime() + 5_000_000_000L;
            while (loop.submit(loop::periodicMembers).get(5, TimeUnit.SECONDS) != 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(1, (int) loop.submit(loop::periodicMembers).get(5, TimeUnit.SECONDS));
        }
    }
}
