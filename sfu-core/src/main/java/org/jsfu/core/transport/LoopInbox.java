package org.jsfu.core.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread hop from the UDP receive thread to a loop: received datagrams (pooled buffers) go
 * into a bounded lock-free queue, and a drain task is posted only when the loop is not already
 * draining. The loop then hands a batch to the transports and returns every buffer to its pool, also
 * when a transport is closed or throws. One inbox per loop, shared by the loop's transports.
 */
public final class LoopInbox {
    private static final Logger log = LoggerFactory.getLogger(LoopInbox.class);
    /**
     * Datagrams an inbox holds by default: an eighth of the receive pool ({@link UdpMux#POOL_SIZE}), so a
     * stalled loop can fill only its own inbox and the other loops (and STUN) keep receiving.
     */
    static final int CAPACITY = UdpMux.POOL_SIZE / 8;
    /** The smallest inbox: a few drain batches. */
    static final int MIN_CAPACITY = 64;
    /** Datagrams per drain task before yielding the loop to its other tasks (timers, signalling). */
    static final int BATCH = 256;

    private static final AtomicInteger IDS = new AtomicInteger();

    /** Distinct per inbox in this JVM (a server's loops get consecutive ids): which ports its PCs share. */
    private final int id = IDS.getAndIncrement();
    private final Executor loop;
    private final BoundedRing<ReceivedDatagram> queue;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable drainTask = this::drain;
    /** Sends made while draining (loop thread only). */
    private final SendBatch batch = new SendBatch();
    /** Sends made while draining on NIO sockets, one sendmmsg per flush; made on first use, null without {@link NativeSend}. */
    private MmsgBatch mmsg;
    /** The loop thread while it drains, else null: who may add to {@link #batch} and {@link #mmsg}. */
    private Thread draining;

    public LoopInbox(Executor loop) {
        this(loop, CAPACITY);
    }

    /** @param capacity datagrams queued at most (rounded down to a power of two, at least {@link #MIN_CAPACITY}) */
    public LoopInbox(Executor loop, int capacity) {
        this.loop = loop;
        this.queue = new BoundedRing<>(Integer.highestOneBit(Math.max(MIN_CAPACITY, capacity)));
    }

    /**
     * The inbox capacity for one of {@code loops} loops sharing a {@link UdpMux}: its receive pool over
     * twice the loop count, so even if every loop but one stalls with a full inbox, half the pool is
     * still free for the rest (a full inbox then drops only its own loop's datagrams).
     */
    public static int capacityFor(int loops) {
        return Math.max(MIN_CAPACITY, UdpMux.POOL_SIZE / (2 * Math.max(1, loops)));
    }

    int id() {
        return id;
    }

    /** Datagrams this inbox holds at most. */
    public int capacity() {
        return queue.capacity();
    }

    /** The loop this inbox delivers on. */
    public Executor executor() {
        return loop;
    }

    /** Datagrams dropped because the queue was full or the loop was gone. */
    public long dropped() {
        return dropped.get();
    }

    /** Receive thread: queues {@code d} (its transport and path set) for the loop; returns it to {@code pool} if it cannot. */
    void offer(ReceivedDatagram d, ReceivePool pool) {
        if (!queue.offer(d)) {
            dropped.incrementAndGet();
            pool.release(d);
            return;
        }
        schedule();
    }

    private void schedule() {
        if (scheduled.get() || !scheduled.compareAndSet(false, true)) {
            return; // a drain is queued or running and will see the datagram
        }
        try {
            loop.execute(drainTask);
        } catch (RejectedExecutionException gone) {
            // the loop shut down: its transports are closed, so are their datagrams
            for (ReceivedDatagram d; (d = queue.poll()) != null; ) {
                dropped.incrementAndGet();
                d.transport.pool().release(d);
            }
            scheduled.set(false);
        }
    }

    /**
     * The batch to queue a send on when the caller is this inbox's loop in the middle of a drain (the
     * datagrams then leave together when the drain ends), else null: send now.
     */
    SendBatch batchOrNull() {
        return draining == Thread.currentThread() ? batch : null;
    }

    /**
     * The loop's {@code sendmmsg} batch when the caller is this inbox's loop in the middle of a drain and
     * {@link NativeSend#available()}, else null: send now. Flushed when full and when the drain ends.
     */
    MmsgBatch mmsgOrNull() {
        if (draining != Thread.currentThread()) {
            return null;
        }
        MmsgBatch m = mmsg;
        if (m == null && NativeSend.available()) {
            mmsg = m = NativeSend.newBatchOrNull();
        }
        return m;
    }

    /** The loop's sendmmsg batch if one was made (loop thread; for tests and metrics). */
    MmsgBatch mmsgBatch() {
        return mmsg;
    }

    /** On the loop. */
    private void drain() {
        draining = Thread.currentThread();
        try {
            drainBatch();
        } finally {
            draining = null;
            try {
                batch.flush();
                if (mmsg != null) {
                    mmsg.flush();
                }
            } finally {
                scheduled.set(false); // even after an Error: the next datagram schedules a drain again
            }
        }
        if (!queue.isEmpty()) {
            schedule(); // more arrived (or the batch was full): run again after other tasks
        }
    }

    private void drainBatch() {
        for (int i = 0; i < BATCH; i++) {
            ReceivedDatagram d = queue.poll();
            if (d == null) {
                break;
            }
            PeerTransport t = d.transport;
            try {
                t.onDatagram(d.buf, 0, d.len, d.path, d.nanos);
            } catch (RuntimeException e) {
                log.warn("datagram handling failed pc={} err={}", t.name(), e.toString(), e);
            } finally {
                t.pool().release(d);
            }
        }
    }
}
