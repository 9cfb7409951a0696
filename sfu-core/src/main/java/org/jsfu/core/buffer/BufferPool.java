package org.jsfu.core.buffer;

/**
 * Bounded pool of equal-sized {@code byte[]} buffers (default {@link #MTU} bytes) for one owner thread.
 *
 * <p>Not thread-safe: one pool per media loop. Use {@link SharedBufferPool} when buffers are taken on
 * one thread and given back on another. {@link #take()} never fails: when the pool is empty a new
 * buffer is allocated (counted in {@link #allocated()}); {@link #give(byte[])} keeps at most
 * {@code capacity} idle buffers and lets the rest go to the garbage collector. Whoever drops a buffer
 * gives it back (architecture rule 3); {@link #outstanding()} is takes minus gives, for leak tests.
 */
public final class BufferPool implements BytePool {
    /** Largest datagram forwarded: Ethernet MTU. */
    public static final int MTU = 1500;

    private final int bufferSize;
    private final byte[][] idle;
    private int idleCount;
    private long taken;
    private long given;
    private long allocated;
    private long discarded;

    public BufferPool(int capacity) {
        this(capacity, MTU);
    }

    public BufferPool(int capacity, int bufferSize) {
        if (capacity <= 0 || bufferSize <= 0) {
            throw new IllegalArgumentException("capacity and bufferSize must be positive");
        }
        this.bufferSize = bufferSize;
        this.idle = new byte[capacity][];
    }

    @Override
    public byte[] take() {
        taken++;
        if (idleCount > 0) {
            byte[] b = idle[--idleCount];
            idle[idleCount] = null;
            return b;
        }
        allocated++;
        return new byte[bufferSize];
    }

    /** Returns a buffer; buffers of the wrong size are rejected with an exception (a caller bug). */
    @Override
    public void give(byte[] b) {
        if (b == null || b.length != bufferSize) {
            throw new IllegalArgumentException("buffer does not belong to this pool");
        }
        given++;
        if (idleCount < idle.length) {
            idle[idleCount++] = b;
        } else {
            discarded++;
        }
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    public int idle() {
        return idleCount;
    }

    public int capacity() {
        return idle.length;
    }

    /** Buffers taken and not given back yet. */
    @Override
    public long outstanding() {
        return taken - given;
    }

    /** Buffers created because the pool was empty. */
    public long allocated() {
        return allocated;
    }

    /** Buffers given back while the pool was full (left to the GC). */
    public long discarded() {
        return discarded;
    }
}
