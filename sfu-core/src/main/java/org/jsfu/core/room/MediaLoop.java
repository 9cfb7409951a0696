package org.jsfu.core.room;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.transport.LoopInbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One single-threaded executor that owns the state of the rooms pinned to it. Room, participant and
 * track state is only touched from this thread; other threads {@link #post} work or {@link #submit}
 * a request and wait on the returned future.
 */
public final class MediaLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaLoop.class);

    private final String name;
    private final ScheduledThreadPoolExecutor exec;
    private volatile Thread thread;
    /** Received datagrams of this loop's peer connections: one hop per batch, pooled buffers. */
    private final LoopInbox inbox;
    /** Shared periodic timers by period in ms ({@link #every}). */
    private final Map<Long, LoopPeriodic> periodics = new ConcurrentHashMap<>();

    public MediaLoop(String name) {
        this(name, LoopInbox.capacityFor(1));
    }

    /** @param inboxCapacity datagrams its inbox holds at most ({@link LoopInbox#capacityFor}) */
    public MediaLoop(String name, int inboxCapacity) {
        this.name = name;
        this.inbox = new LoopInbox(this::post, inboxCapacity);
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        // A cancelled timer leaves the queue at once: else it stays until its delay ends, holding what its task
        // captured (a room's empty_timeout timer, cancelled by the first join, held the room for 5 minutes; an
        // SCTP retransmission timer re-armed earlier held its closed session), so churn grew the queue.
        exec.setRemoveOnCancelPolicy(true);
    }

    public String name() { return name; }

    /** Where the UDP receive thread queues datagrams for the transports on this loop. */
    public LoopInbox inbox() { return inbox; }

    /** True when called from this loop's thread. */
    public boolean inLoop() { return Thread.currentThread() == thread; }

    /** Runs {@code task} on the loop; exceptions are logged, never propagated to the caller. */
    public void post(Runnable task) {
        exec.execute(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("task failed loop={}", name, t);
            }
        });
    }

    /** Runs {@code task} on the loop and completes the future with its result or exception. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RuntimeException rejected) {
            f.completeExceptionally(rejected);
        }
        return f;
    }

    /**
     * The loop's shared timer of period {@code periodMs}: one scheduled task per period ticks all its
     * members (use it for per-session periodic work instead of one timer each).
     */
    public LoopPeriodic every(long periodMs) {
        return periodics.computeIfAbsent(periodMs, p -> new LoopPeriodic(this, p));
    }

    /** Members of this loop's shared periodic timers ({@link #every}); call on the loop; for tests and metrics. */
    public int periodicMembers() {
        int n = 0;
        for (LoopPeriodic p : periodics.values()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Tasks waiting in this loop's executor: posted work not yet run and timers not yet due (a cancelled
     * timer leaves at once); any thread; for tests and metrics.
     */
    public int queuedTasks() {
        return exec.getQueue().size();
    }

    /** Runs {@code task} on the loop after {@code delayMs}; cancel with the returned handle. */
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return exec.schedule(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("timer failed loop={}", name, t);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        exec.shutdown();
        try {
            if (!exec.awaitTermination(2, TimeUnit.SECONDS)) {
                exec.shutdownNow();
            }
        } catch (InterruptedException e) {
            exec.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
