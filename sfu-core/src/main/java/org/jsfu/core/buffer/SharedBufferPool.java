package org.jsfu.core.buffer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe variant of {@link BufferPool}, for buffers that cross threads (socket receive thread ->
 * media loop). Same contract: bounded idle set, {@link #take()} allocates when empty. Uses an
 * {@link ArrayBlockingQueue}, whose {@code poll}/{@code offer} do not allocate.
 */
public final class SharedBufferPool implements BytePool {
    private final int bufferSize;
    private final ArrayBlockingQueue<byte[]> idle;
    private final LongAdder taken = new LongAdder();
    private final LongAdder given = new LongAdder();

    public SharedBufferPool(int capacity) {
        this(capacity, BufferPool.MTU);
    }

    public SharedBufferPool(int capacity, int bufferSize) {
        if (capacity <= 0 || bufferSize <= 0) {
            throw new IllegalArgumentException("capacity and bufferSize must be positive");
        }
        this.bufferSize = bufferSize;
        this.idle = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public byte[] take() {
        taken.increment();
        byte[] b = idle.poll();
        return b != null ? b : new byte[bufferSize];
    }

    @Override
    public void give(byte[] b) {
        if (b == null || b.length != bufferSize) {
            throw new IllegalArgumentException("buffer does not belong to this pool");
        }
        given.increment();
        idle.offer(b);
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    public int idle() {
        return idle.size();
    }

    @Override
    public long outstanding() {
        return taken.sum() - given.sum();
    }
}
