package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.room.MediaLoop;
import org.junit.jupiter.api.Test;

class LoopTickerTest {
    /** A member whose tick throws is failed and dropped; the others on the loop keep their 20 ms ticks. */
    @Test
    void aThrowingTickFailsOnlyItsOwnEgress() throws Exception {
        try (MediaLoop loop = new MediaLoop("ticker-test")) {
            LoopTicker ticker = new LoopTicker(loop);
            Member healthy = new Member("healthy", false);
            Member broken = new Member("broken", true);
            loop.submit(() -> {
                ticker.add(broken);
                ticker.add(healthy);
                return null;
            }).get(5, TimeUnit.SECONDS);
            Thread.sleep(500);
            int ticks = loop.submit(healthy.ticks::get).get(5, TimeUnit.SECONDS);
            assertTrue(ticks >= 10, "the healthy egress is still ticked: " + ticks);
            assertEquals(1, loop.submit(broken.ticks::get).get(5, TimeUnit.SECONDS), "the broken one ticked once");
            assertTrue(loop.submit(() -> broken.failedWith).get(5, TimeUnit.SECONDS).startsWith("egress tick failed"));
        }
    }

    private static final class Member implements LoopTicker.Member {
        final String id;
        final boolean throwing;
        final AtomicInteger ticks = new AtomicInteger();
        String failedWith;

        Member(String id, boolean throwing) {
            this.id = id;
            this.throwing = throwing;
        }

        @Override
        public boolean finished() {
            return failedWith != null;
        }

        @Override
        public void tick() {
            ticks.incrementAndGet();
            if (throwing) {
                throw new IllegalStateException("recorder state broken");
            }
        }

        @Override
        public void failOnLoop(String error) {
            failedWith = error;
        }

        @Override
        public String egressId() {
            return id;
        }
    }
}
