package org.jsfu.bench.egress;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jsfu.core.room.MediaLoop;

/** How long a task posted to each media loop waits before it runs, probed every 50 ms per loop. */
public final class LoopLag implements AutoCloseable {
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public LoopLag(List<MediaLoop> loops) {
        thread = new Thread(() -> {
            while (running) {
                for (MediaLoop l : loops) {
                    long t = System.nanoTime();
                    l.post(() -> {
                        long d = System.nanoTime() - t;
                        sum.addAndGet(d);
                        count.incrementAndGet();
                        max.accumulateAndGet(d, Math::max);
                    });
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "loop-lag");
        thread.setDaemon(true);
        thread.start();
    }

    public void reset() {
        sum.set(0);
        count.set(0);
        max.set(0);
    }

    public double meanMs() { return count.get() == 0 ? 0 : sum.get() / 1e6 / count.get(); }

    public double maxMs() { return max.get() / 1e6; }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
