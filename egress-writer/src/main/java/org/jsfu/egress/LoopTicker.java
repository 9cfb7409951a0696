package org.jsfu.egress;

import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.room.MediaLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One 20 ms timer per media loop that ticks every track egress pinned to that loop, instead of one
 * scheduled task per egress (with 1,000 egresses that was 50,000 timer tasks a second, each an
 * allocation, a delay-queue insertion and a loop wake-up). Runs on the loop; egresses that finished are
 * dropped on the next pass.
 */
final class LoopTicker {
    private static final Logger log = LoggerFactory.getLogger(LoopTicker.class);
    static final long TICK_MS = 20;

    /** What the ticker drives (a track egress); every call on the loop. */
    interface Member {
        boolean finished();

        void tick();

        /** Ends the member with {@code error} after {@link #tick} threw. */
        void failOnLoop(String error);

        String egressId();
    }

    private final MediaLoop loop;
    private final List<Member> egresses = new ArrayList<>();
    private boolean scheduled;
    /** {@code egresses.size()} for other threads (metrics); written on the loop. */
    private volatile int members;

    LoopTicker(MediaLoop loop) {
        this.loop = loop;
    }

    /** On the loop: {@code e} is ticked every 20 ms until it is finished. */
    void add(Member e) {
        egresses.add(e);
        members = egresses.size();
        if (!scheduled) {
            scheduled = true;
            loop.schedule(this::run, TICK_MS);
        }
    }

    /** Egresses ticked (until their next tick after they finish); any thread. */
    int members() {
        return members;
    }

    private void run() {
        try {
            tickAll();
        } finally {
            if (egresses.isEmpty()) {
                scheduled = false;
            } else {
                loop.schedule(this::run, TICK_MS);
            }
        }
    }

    private void tickAll() {
        for (int i = 0; i < egresses.size(); ) {
            Member e = egresses.get(i);
            if (e.finished()) {
                int last = egresses.size() - 1;
                egresses.set(i, egresses.get(last));
                egresses.remove(last);
                members = egresses.size();
                continue;
            }
            try {
                e.tick();
            } catch (RuntimeException ex) {
                // one broken recording must not stop the ticks (silence fill, startup replay) of the others
                log.error("egress tick failed egressId={}", e.egressId(), ex);
                try {
                    e.failOnLoop("egress tick failed: " + ex);
                } catch (RuntimeException again) {
                    log.error("egress could not be failed egressId={}", e.egressId(), again);
                }
            }
            i++;
        }
    }
}
