package org.jsfu.bench.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.dtls.DtlsIdentity;

/**
 * What every simulated client of one process shares: the HTTP client for the signalling
 * WebSockets, one DTLS identity (a browser has one per PC; the server pins whatever fingerprint the
 * SDP carries, so sharing is equivalent), the DTLS handshake threads, one UDP receive thread (blocking
 * in a selector or spinning, {@link ReceiveMode}) and one pacing thread for media and ICE timers.
 */
public final class ClientContext implements AutoCloseable {
    final HttpClient http;
    final DtlsIdentity identity;
    final ExecutorService handshakes;
    final ScheduledExecutorService timers;
    final PeerIo io;

    /** Receives in {@link ReceiveMode#BLOCK}, as a real client does. */
    public ClientContext() throws IOException {
        this(ReceiveMode.BLOCK);
    }

    public ClientContext(ReceiveMode receiveMode) throws IOException {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.identity = DtlsIdentity.generate();
        AtomicInteger n = new AtomicInteger();
        this.handshakes = Executors.newCachedThreadPool(r -> daemon(r, "sim-dtls-" + n.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sim-pacer"));
        this.io = new PeerIo(receiveMode);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The UDP receive thread's count of datagrams it could not attribute (for the bench table). */
    public long unattributedDatagrams() {
        return io.unattributed();
    }

    public ReceiveMode receiveMode() {
        return io.mode();
    }

    @Override
    public void close() {
        io.close();
        timers.shutdownNow();
        handshakes.shutdownNow();
        try {
            handshakes.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
