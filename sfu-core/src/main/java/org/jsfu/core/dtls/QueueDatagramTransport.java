package org.jsfu.core.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's view of the wire: datagrams pushed by {@link DtlsSession#receive} into a bounded
 * queue (overflow is dropped, as a socket would) and sent through the listener.
 *
 * <p>During the handshake BouncyCastle blocks in {@link #receive} on the handshake thread. After
 * it, the session switches to pump mode: the thread that delivered a datagram drains the queue
 * through the DTLS record layer, and an empty queue ends the drain with {@link Drained} (an
 * InterruptedIOException, which the record layer passes through without failing the connection)
 * instead of waiting.
 */
final class QueueDatagramTransport implements DatagramTransport {
    /** Signals "queue empty" in pump mode; no stack trace. */
    static final class Drained extends InterruptedIOException {
        Drained() {
            super("no queued datagram");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    interface Sender {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private static final byte[] CLOSED_MARKER = new byte[0];
    private static final Drained DRAINED = new Drained();

    private final BlockingQueue<byte[]> queue;
    private final Sender sender;
    private final int receiveLimit;
    private final int sendLimit;
    private volatile boolean pumpMode;
    private volatile boolean closed;
    private volatile long dropped;

    QueueDatagramTransport(int capacity, int receiveLimit, int sendLimit, Sender sender) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.receiveLimit = receiveLimit;
        this.sendLimit = sendLimit;
        this.sender = sender;
    }

    /** Copies and queues one datagram; false if closed or full (dropped). Any thread. */
    boolean offer(byte[] b, int off, int len) {
        if (closed || len <= 0 || len > receiveLimit) return false;
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        if (!queue.offer(copy)) {
            dropped++;
            return false;
        }
        return true;
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    void pumpMode() {
        pumpMode = true;
    }

    long dropped() {
        return dropped;
    }

    @Override
    public int getReceiveLimit() {
        return receiveLimit;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) throw new IOException("transport closed");
        byte[] d;
        if (pumpMode) {
            d = queue.poll();
            if (d == null) throw DRAINED;
        } else {
            try {
                // DatagramReceiver: waitMillis 0 means no timeout; BouncyCastle's handshake timeout bounds it.
                d = waitMillis == 0 ? queue.take() : queue.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (d == null) return -1;
        }
        if (d == CLOSED_MARKER) {
            throw new IOException("transport closed");
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) return; // late alerts after close are dropped
        sender.send(buf, off, len);
    }

    /** Further sends are dropped and a handshake blocked in {@link #receive} wakes up with an error. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        queue.clear();
        queue.offer(CLOSED_MARKER); // wakes a handshake blocked in receive
    }

    boolean isClosed() {
        return closed;
    }
}
