package org.jsfu.egress;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread pool that starts a thread only when no thread is free, up to {@code maxThreads}, then queues
 * (unbounded); idle threads end after the keep-alive. A plain {@link ThreadPoolExecutor} with a fixed core
 * size starts a new core thread for every task until it has them all, even when its threads are idle: one
 * egress at a time grew the egress I/O pool to 16 threads in seconds, held for a minute after the last one.
 * As Tomcat's executor does it: the queue refuses a task while tasks outnumber threads and the pool may still
 * grow, so the executor adds a thread; at the maximum the task is queued.
 */
final class IoPool extends ThreadPoolExecutor {
    /** Tasks handed to {@link #execute} and not yet finished (queued or running). */
    private final AtomicInteger inFlight = new AtomicInteger();

    IoPool(int maxThreads, long keepAliveSeconds, ThreadFactory threads) {
        super(0, maxThreads, keepAliveSeconds, TimeUnit.SECONDS, new GrowFirstQueue(), threads, (r, pool) -> {
            if (pool.isShutdown() || !((GrowFirstQueue) pool.getQueue()).force(r)) {
                throw new RejectedExecutionException("egress io pool shut down");
            }
        });
        ((GrowFirstQueue) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable task) {
        inFlight.incrementAndGet();
        try {
            super.execute(task);
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        inFlight.decrementAndGet();
    }

    /** Refuses a task (the executor then starts a thread) while no thread is free and the pool may grow. */
    private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
        volatile IoPool pool;

        @Override
        public boolean offer(Runnable r) {
            IoPool p = pool;
            if (p != null) {
                int threads = p.getPoolSize();
                if (p.inFlight.get() > threads && threads < p.getMaximumPoolSize()) {
                    return false;
                }
            }
            return super.offer(r);
        }

        /** Queues past the growth check (the pool is at its maximum). */
        boolean force(Runnable r) {
            return super.offer(r);
        }
    }
}
