package org.jsfu.core.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receive buffers shared by a {@link UdpMux}'s receive thread and every loop: created on demand up
 * to {@code max}, then reused. When every buffer is in flight (the loops are that far behind) the
 * receive thread drops the datagram instead of allocating, as a full socket buffer would.
 */
final class ReceivePool {
    private final BoundedRing<ReceivedDatagram> free;
    private final int max;
    private final AtomicInteger created = new AtomicInteger();

    ReceivePool(int max) {
        this.free = new BoundedRing<>(max);
        this.max = free.capacity();
    }

    /** A free buffer, or null when all {@code max} are in flight. */
    ReceivedDatagram take() {
        ReceivedDatagram d = free.poll();
        if (d != null) {
            return d;
        }
        if (created.get() < max && created.incrementAndGet() <= max) {
            return new ReceivedDatagram(); // only while the pool grows to its bound
        }
        return null;
    }

    void release(ReceivedDatagram d) {
        d.clear();
        free.offer(d); // never full: at most max buffers exist
    }

    /** Buffers in the pool (not in flight); a snapshot, for tests. */
    int free() {
        return free.size();
    }

    /** Buffers created so far (in flight or free); for tests and metrics. */
    int created() {
        return Math.min(created.get(), max);
    }
}
