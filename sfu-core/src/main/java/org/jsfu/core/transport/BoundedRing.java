package org.jsfu.core.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded lock-free multi-producer multi-consumer queue of preallocated slots (one sequence number
 * per slot, compare-and-set on the head and tail counters). Offer and poll never allocate, so it can
 * carry pooled objects on a per-packet path: {@link ReceivePool} and {@link LoopInbox} use it.
 */
final class BoundedRing<T> {
    private final AtomicReferenceArray<T> items;
    private final AtomicLongArray sequence;
    private final int mask;
    private final AtomicLong tail = new AtomicLong(); // next offer position
    private final AtomicLong head = new AtomicLong(); // next poll position

    /** @param capacity rounded up to a power of two */
    BoundedRing(int capacity) {
        int c = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        items = new AtomicReferenceArray<>(c);
        sequence = new AtomicLongArray(c);
        for (int i = 0; i < c; i++) {
            sequence.set(i, i);
        }
        mask = c - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** False when full. */
    boolean offer(T x) {
        long pos = tail.get();
        while (true) {
            int i = (int) pos & mask;
            long d = sequence.get(i) - pos;
            if (d == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    items.lazySet(i, x);
                    sequence.set(i, pos + 1); // publishes the item to pollers
                    return true;
                }
                pos = tail.get();
            } else if (d < 0) {
                return false; // the slot still holds an item a full lap behind: full
            } else {
                pos = tail.get();
            }
        }
    }

    /** The oldest item, or null when empty. */
    T poll() {
        long pos = head.get();
        while (true) {
            int i = (int) pos & mask;
            long d = sequence.get(i) - (pos + 1);
            if (d == 0) {
                if (head.compareAndSet(pos, pos + 1)) {
                    T x = items.get(i);
                    items.lazySet(i, null);
                    sequence.set(i, pos + mask + 1); // free for the offer one lap later
                    return x;
                }
                pos = head.get();
            } else if (d < 0) {
                return null;
            } else {
                pos = head.get();
            }
        }
    }

    /** Items queued; a snapshot, exact only when no offer or poll runs concurrently. */
    int size() {
        return (int) Math.max(0, tail.get() - head.get());
    }

    /** A snapshot; exact only when no offer or poll runs concurrently. */
    boolean isEmpty() {
        return head.get() >= tail.get();
    }
}
