package org.jsfu.core.sctp;

import java.util.PriorityQueue;
import java.util.Random;

/** Two endpoints joined in memory by a seeded link that drops, delays and reorders; a fake clock. */
final class LossyLink {
    interface Endpoint {
        void receive(byte[] b, int off, int len, long nowMs);

        void tick(long nowMs);
    }

    private record Packet(long at, long seq, boolean toB, byte[] data) {
    }

    private final Random random;
    private final double loss;
    private final long minDelay;
    private final long maxDelay;
    private final PriorityQueue<Packet> queue = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    private long seq;
    long now = 1_000_000;
    Endpoint a;
    Endpoint b;
    long delivered;
    long lost;

    LossyLink(long seed, double loss, long minDelay, long maxDelay) {
        this.random = new Random(seed);
        this.loss = loss;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
    }

    SctpAssociation.Output toB() {
        return (buf, off, len) -> post(true, buf, off, len);
    }

    SctpAssociation.Output toA() {
        return (buf, off, len) -> post(false, buf, off, len);
    }

    /** Every packet handed to the link towards B, before loss (for hostile-input tests). */
    final java.util.List<byte[]> sentToB = new java.util.ArrayList<>();

    private void post(boolean toB, byte[] buf, int off, int len) {
        if (toB && sentToB.size() < 10_000) {
            sentToB.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
        if (random.nextDouble() < loss) {
            lost++;
            return;
        }
        long delay = minDelay + (maxDelay > minDelay ? random.nextLong(maxDelay - minDelay + 1) : 0);
        queue.add(new Packet(now + delay, seq++, toB, java.util.Arrays.copyOfRange(buf, off, off + len)));
    }

    /** Advances the clock in 1 ms steps, delivering due packets and ticking both ends every 10 ms. */
    boolean runUntil(java.util.function.BooleanSupplier done, long maxMs) {
        long end = now + maxMs;
        while (now < end) {
            if (done.getAsBoolean()) {
                return true;
            }
            Packet p;
            while ((p = queue.peek()) != null && p.at <= now) {
                queue.poll();
                delivered++;
                (p.toB ? b : a).receive(p.data, 0, p.data.length, now);
            }
            if (now % 10 == 0) {
                a.tick(now);
                b.tick(now);
            }
            now++;
        }
        return done.getAsBoolean();
    }
}
