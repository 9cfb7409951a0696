package org.jsfu.core.room;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repeating timer per media loop and period that ticks every member, instead of one scheduled task
 * per member. With hundreds of sessions on a loop, a 50 ms timer each was thousands of timer tasks a
 * second, each an allocation, a delay-queue insertion and usually a wake-up of the loop thread of its
 * own; now a loop wakes once per period for all of them. Get it with {@link MediaLoop#every(long)}.
 * Members run on the loop in the order they were added (until one leaves); a member that throws is
 * logged and kept.
 */
public final class LoopPeriodic {
    private static final Logger log = LoggerFactory.getLogger(LoopPeriodic.class);

    /** Something ticked every period on the loop. */
    @FunctionalInterface
    public interface Member {
        /** Runs one tick at {@code nowNanos} ({@code System.nanoTime()}); returns false to leave. */
        boolean tick(long nowNanos);
    }

    private final MediaLoop loop;
    private final long periodMs;
    private final Runnable run = this::run;
    /** Loop thread only. */
    private Member[] members = new Member[16];
    private int size;
    private boolean scheduled;

    LoopPeriodic(MediaLoop loop, long periodMs) {
        if (periodMs <= 0) {
            throw new IllegalArgumentException("period must be positive: " + periodMs);
        }
        this.loop = loop;
        this.periodMs = periodMs;
    }

    public long periodMs() {
        return periodMs;
    }

    /** Ticks {@code m} every period from the next tick on, until it returns false; from any thread. */
    public void add(Member m) {
        if (loop.inLoop()) {
            addOnLoop(m);
        } else {
            loop.post(() -> addOnLoop(m));
        }
    }

    /** Members currently ticked (loop thread; for tests). */
    int size() {
        return size;
    }

    private void addOnLoop(Member m) {
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
        }
        members[size++] = m;
        if (!scheduled) {
            scheduled = true;
            loop.schedule(run, periodMs);
        }
    }

    private void run() {
        long now = System.nanoTime();
        try {
            int i = 0;
            while (i < size) {
                Member m = members[i];
                boolean keep;
                try {
                    keep = m.tick(now);
                } catch (RuntimeException e) {
                    log.error("periodic tick failed loop={} periodMs={}", loop.name(), periodMs, e);
                    keep = true;
                }
                if (keep) {
                    i++;
                } else {
                    // order is kept for the rest: a member's position decides only when it runs within a tick
                    System.arraycopy(members, i + 1, members, i, size - i - 1);
                    members[--size] = null;
                }
            }
        } finally {
            if (size == 0) {
                scheduled = false;
            } else {
                loop.schedule(run, periodMs);
            }
        }
    }
}
