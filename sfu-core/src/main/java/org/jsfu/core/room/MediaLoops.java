package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The fixed set of media loops; rooms are assigned round robin at creation. */
public final class MediaLoops implements AutoCloseable {
    private final List<MediaLoop> loops = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    public MediaLoops(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        for (int i = 0; i < count; i++) {
            loops.add(new MediaLoop("media-loop-" + i, org.jsfu.core.transport.LoopInbox.capacityFor(count)));
        }
    }

    /** One loop per available processor. */
    public static MediaLoops perCore() {
        return new MediaLoops(Runtime.getRuntime().availableProcessors());
    }

    public MediaLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    public List<MediaLoop> all() { return List.copyOf(loops); }

    @Override
    public void close() {
        loops.forEach(MediaLoop::close);
    }
}
