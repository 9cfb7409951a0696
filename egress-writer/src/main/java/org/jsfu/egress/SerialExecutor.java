package org.jsfu.egress;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on threads borrowed from a shared pool: an egress's
 * I/O (sink begin, appends, commit, webhooks) keeps its order without owning a thread, so 1,000 egresses
 * do not mean 1,000 idle threads. A failing task is logged and does not stop the ones after it.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RuntimeException rejected) {
                scheduled.set(false); // not wedged: the next execute tries again, and runs this task too
                throw rejected;
            }
        }
    }

    private void drain() {
        for (;;) {
            for (Runnable t; (t = tasks.poll()) != null; ) {
                try {
                    t.run();
                } catch (Throwable e) {
                    log.error("egress io task failed", e);
                }
            }
            scheduled.set(false);
            // a task added between the last poll and the flag reset would otherwise wait for the next one
            if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
