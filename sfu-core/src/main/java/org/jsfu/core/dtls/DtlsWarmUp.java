package org.jsfu.core.dtls;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jsfu.core.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One throwaway DTLS-SRTP handshake between an in-memory client and server, run when the media
 * plane starts. The first handshake in a fresh JVM loads and interprets the whole BouncyCastle TLS
 * and EC stack; measured on a loaded 2-core machine it took 0.4-1.4 s against 50-300 ms for later
 * ones, and it is paid by the first participant's two peer connections at once, inside the
 * browser's connect timeout. Warming up moves that cost to server start.
 */
public final class DtlsWarmUp {
    private static final Logger log = LoggerFactory.getLogger(DtlsWarmUp.class);

    private DtlsWarmUp() {
    }

    /**
     * Starts the handshake on {@code pool} (its two sessions each take a thread until done) and
     * returns a future completed with true when both sides connected, false on failure or timeout.
     */
    public static CompletableFuture<Boolean> start(Executor pool, int timeoutMs) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        try {
            DtlsIdentity serverId = DtlsIdentity.generate();
            DtlsIdentity clientId = DtlsIdentity.generate();
            DtlsSession.Options opts = DtlsSession.Options.defaults().withHandshakeTimeoutMs(timeoutMs);
            Side server = new Side("dtls-warmup-s");
            Side client = new Side("dtls-warmup-c");
            server.session = new DtlsSession(serverId, false, clientId.fingerprintSha256(), server, pool, opts);
            client.session = new DtlsSession(clientId, true, serverId.fingerprintSha256(), client, pool, opts);
            server.peer = client;
            client.peer = server;
            server.session.start();
            client.session.start();
            CompletableFuture.allOf(server.connected, client.connected).whenComplete((v, e) -> {
                server.session.close();
                client.session.close();
                server.inbox.shutdown();
                client.inbox.shutdown();
                boolean ok = e == null;
                log.info("dtls warm-up done ok={} ms={}", ok, (System.nanoTime() - t0) / 1_000_000);
                done.complete(ok);
            });
        } catch (RuntimeException e) {
            log.warn("dtls warm-up not started err={}", e.toString());
            done.complete(false);
        }
        return done;
    }

    /**
     * One side. Its datagrams are delivered to the other session in order on the other side's own
     * inbox thread (as a socket would), never on the sending thread, so two sessions never pump into
     * each other while holding their locks.
     */
    private static final class Side implements DtlsSession.Listener {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final ExecutorService inbox;
        volatile DtlsSession session;
        volatile Side peer;

        Side(String thread) {
            inbox = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, thread);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void sendDatagram(byte[] b, int off, int len) {
            Side p = peer;
            if (p == null) {
                return;
            }
            byte[] copy = Arrays.copyOfRange(b, off, off + len);
            try {
                p.inbox.execute(() -> p.session.receive(copy, 0, copy.length));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // warm-up over: late datagrams are dropped
            }
        }

        @Override
        public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
            connected.complete(null);
        }

        @Override
        public void onApplicationData(byte[] b, int off, int len) {
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            connected.completeExceptionally(new IllegalStateException(reason, cause));
        }
    }
}
