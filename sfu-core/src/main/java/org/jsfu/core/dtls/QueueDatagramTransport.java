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
 *
 * <p>During the handshake datagrams pass a {@link ChangeCipherSpecGate} until the peer's
 * ChangeCipherSpec has gone through (see there why); after that they go straight to the record
 * layer again.
 *
 * <p>Server side, after the handshake: BouncyCastle answers a retransmitted client flight 5 with
 * its flight 6 (RFC 6347 4.2.4) only once it has received that whole flight again, so under heavy
 * loss the client can time out waiting for the Finished. The transport therefore keeps the
 * datagrams of flight 6 as sent and sends them again, unchanged (to the peer the same as a
 * duplicating network), when a datagram of the retransmitted flight starting with the client's
 * Certificate or ChangeCipherSpec arrives; at most {@link #MAX_FINAL_FLIGHT_REPLAYS} times, and
 * not after the client's first application data.
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

    static final int MAX_FINAL_FLIGHT_REPLAYS = 10;
    private static final byte[] CLOSED_MARKER = new byte[0];
    private static final Drained DRAINED = new Drained();

    private final BlockingQueue<byte[]> queue;
    private final Sender sender;
    private final int receiveLimit;
    private final int sendLimit;
    /** Server side only; touched by the handshake thread, then under the session's pump lock. */
    private final ChangeCipherSpecGate gate;
    private final boolean server;
    /** Server: the datagrams from our ChangeCipherSpec on (flight 6); null once the client is done. */
    private java.util.List<byte[]> finalFlight;
    private int replays;
    private volatile boolean pumpMode;
    private volatile boolean closed;
    private volatile long dropped;

    QueueDatagramTransport(int capacity, int receiveLimit, int sendLimit, boolean server, Sender sender) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.gate = new ChangeCipherSpecGate(server);
        this.server = server;
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
        return !queue.isEmpty() || gate.hasReady();
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
        byte[] d = gate.poll();
        if (d == null) {
            d = pumpMode ? queue.poll() : take(waitMillis);
            if (d == null) {
                if (pumpMode) throw DRAINED;
                return -1;
            }
            if (d == CLOSED_MARKER) {
                throw new IOException("transport closed");
            }
            if (pumpMode) {
                replayFinalFlightIfAsked(d);
            } else if (!gate.released()) {
                gate.push(d);
                d = gate.poll();
                if (d == null) {
                    return -1; // all held: the record layer calls again within its own timeout
                }
            }
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    /** Pump mode, server: see the class comment. Called under the session's pump lock. */
    private void replayFinalFlightIfAsked(byte[] d) throws IOException {
        java.util.List<byte[]> flight = finalFlight;
        if (flight == null || d.length < 14) return;
        int type = d[0] & 0xFF;
        boolean epoch0 = d[3] == 0 && d[4] == 0;
        if (!epoch0) {
            if (type == ChangeCipherSpecGate.CONTENT_APPLICATION_DATA) finalFlight = null; // client finished
            return;
        }
        boolean certificate = type == ChangeCipherSpecGate.CONTENT_HANDSHAKE
                && (d[13] & 0xFF) == ChangeCipherSpecGate.CERTIFICATE;
        if ((certificate || type == ChangeCipherSpecGate.CONTENT_CHANGE_CIPHER_SPEC)
                && replays++ < MAX_FINAL_FLIGHT_REPLAYS) {
            for (byte[] f : flight) sender.send(f, 0, f.length);
        }
    }

    private byte[] take(int waitMillis) throws InterruptedIOException {
        try {
            // DatagramReceiver: waitMillis 0 means no timeout; BouncyCastle's handshake timeout bounds it.
            return waitMillis == 0 ? queue.take() : queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) return; // late alerts after close are dropped
        if (server && !pumpMode) {
            if (len > 0 && (buf[off] & 0xFF) == ChangeCipherSpecGate.CONTENT_CHANGE_CIPHER_SPEC) {
                finalFlight = new java.util.ArrayList<>(2); // BouncyCastle sends flight 6 once
            }
            if (finalFlight != null) finalFlight.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
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
