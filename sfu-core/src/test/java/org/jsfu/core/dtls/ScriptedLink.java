package org.jsfu.core.dtls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;

/**
 * In-memory link between a DTLS client and server session whose losses are scripted per direction
 * by datagram index (0 = the first datagram that side sends) and kind (its records, see
 * {@link #describe}), so a pattern is reproducible whatever the thread timing. Optional seeded reordering holds one datagram back and delivers it
 * after the next one. Each direction has its own delivery thread, as a socket would. Keeps a trace
 * of every datagram (records, epochs, handshake types) for failure messages.
 */
final class ScriptedLink {
    final DtlsSessionTest.Recorder clientRec = new DtlsSessionTest.Recorder();
    final DtlsSessionTest.Recorder serverRec = new DtlsSessionTest.Recorder();
    final Direction toServer;
    final Direction toClient;
    DtlsSession client;
    DtlsSession server;
    private final List<String> trace = new ArrayList<>();

    /** Decides the fate of each datagram of one direction. */
    interface LossRule {
        /**
         * @param index datagrams this side sent before this one
         * @param kind {@link #describe} without message sequence numbers
         * @param sameKindBefore datagrams of the same kind this side sent before this one
         */
        boolean lose(int index, String kind, int sameKindBefore);
    }

    static final LossRule NO_LOSS = (i, k, n) -> false;

    /** What happens to one media datagram: delivered, lost, or held back behind the next one. */
    enum Fate { PASS, DROP, HOLD }

    /** Decides the fate of each media (SRTP/SRTCP) datagram of one direction by its media index. */
    interface MediaRule {
        Fate fate(int mediaIndex);
    }

    /**
     * @param lostToServer which client datagram indexes are lost
     * @param lostToClient which server datagram indexes are lost
     * @param reorder probability that a datagram is held back behind the next one (seeded)
     */
    ScriptedLink(LossRule lostToServer, LossRule lostToClient, double reorder, long seed) {
        toServer = new Direction("c->s", lostToServer, reorder, new Random(seed));
        toClient = new Direction("s->c", lostToClient, reorder, new Random(~seed));
        clientRec.out = (b, off, len) -> toServer.forward(Arrays.copyOfRange(b, off, off + len));
        serverRec.out = (b, off, len) -> toClient.forward(Arrays.copyOfRange(b, off, off + len));
    }

    void start(DtlsIdentity clientId, DtlsIdentity serverId, Executor handshakePool, DtlsSession.Options clientOpts,
               DtlsSession.Options serverOpts) {
        client = new DtlsSession(clientId, true, serverId.fingerprintSha256(), clientRec, handshakePool, clientOpts);
        server = new DtlsSession(serverId, false, clientId.fingerprintSha256(), serverRec, handshakePool, serverOpts);
        toServer.target = server;
        toClient.target = client;
        server.start();
        client.start();
    }

    synchronized String trace() {
        return String.join("\n", trace);
    }

    /** Stops losing and reordering from now on; a datagram held for reordering is delivered. */
    void calm() {
        toServer.calm();
        toClient.calm();
    }

    void shutdown() {
        if (client != null) client.close();
        if (server != null) server.close();
        toServer.thread.shutdownNow();
        toClient.thread.shutdownNow();
    }

    final class Direction {
        final String name;
        final LossRule lost;
        private final java.util.Map<String, Integer> kinds = new java.util.LinkedHashMap<>();
        final double reorder;
        final Random rnd;
        final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dtls-link");
            t.setDaemon(true);
            return t;
        });
        volatile DtlsSession target;
        private int sent;
        private byte[] held;
        private boolean calm;
        /** Media datagrams (SRTP/SRTCP) that reached the far side, in arrival order. */
        final java.util.concurrent.LinkedBlockingQueue<byte[]> mediaArrived = new java.util.concurrent.LinkedBlockingQueue<>();
        /** Scripted media loss and reordering; not affected by {@link #calm()}. */
        volatile MediaRule mediaRule = i -> Fate.PASS;
        private int mediaSent;
        private byte[] mediaHeld;

        Direction(String name, LossRule lost, double reorder, Random rnd) {
            this.name = name;
            this.lost = lost;
            this.reorder = reorder;
            this.rnd = rnd;
        }

        synchronized int sent() {
            return sent;
        }

        /** Kinds of datagram sent, each once, in the order first sent. */
        synchronized List<String> firstKinds() {
            return new ArrayList<>(kinds.keySet());
        }

        private synchronized void forward(byte[] d) {
            int i = sent++;
            String kind = describe(d).replaceAll("/seq[0-9]+", "");
            int before = kinds.merge(kind, 1, Integer::sum) - 1;
            boolean drop = !calm && lost.lose(i, kind, before);
            boolean hold = !calm && !drop && held == null && reorder > 0 && rnd.nextDouble() < reorder;
            synchronized (ScriptedLink.this) {
                trace.add(name + " #" + i + (drop ? " LOST " : hold ? " HELD " : " ") + describe(d));
            }
            if (drop) {
                return;
            }
            if (hold) {
                held = d;
                return;
            }
            deliver(d);
            if (held != null) {
                deliver(held);
                held = null;
            }
        }

        /**
         * Sends one media datagram (a copy is taken) on this direction's delivery thread, after any
         * DTLS datagram already queued, with the fate {@link #mediaRule} gives its media index.
         */
        synchronized void sendMedia(byte[] b, int off, int len) {
            byte[] d = Arrays.copyOfRange(b, off, off + len);
            int i = mediaSent++;
            Fate f = mediaRule.fate(i);
            boolean hold = f == Fate.HOLD && mediaHeld == null;
            synchronized (ScriptedLink.this) {
                trace.add(name + " media #" + i + (f == Fate.DROP ? " LOST" : hold ? " HELD" : ""));
            }
            if (f == Fate.DROP) {
                return;
            }
            if (hold) {
                mediaHeld = d;
                return;
            }
            deliverMedia(d);
            if (mediaHeld != null) {
                deliverMedia(mediaHeld);
                mediaHeld = null;
            }
        }

        private void deliverMedia(byte[] d) {
            try {
                thread.execute(() -> mediaArrived.add(d));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // link shut down
            }
        }

        synchronized void calm() {
            calm = true;
            if (held != null) {
                deliver(held);
                held = null;
            }
        }

        private void deliver(byte[] d) {
            try {
                thread.execute(() -> target.receive(d, 0, d.length));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // link shut down
            }
        }
    }

    /** "hs0:client_hello(seq 0) ccs0 rec1" style summary of the records in one datagram. */
    static String describe(byte[] d) {
        StringBuilder sb = new StringBuilder();
        int off = 0;
        while (off + 13 <= d.length) {
            int type = d[off] & 0xFF;
            int epoch = ((d[off + 3] & 0xFF) << 8) | (d[off + 4] & 0xFF);
            int len = ((d[off + 11] & 0xFF) << 8) | (d[off + 12] & 0xFF);
            if (sb.length() > 0) sb.append(' ');
            if (type == 22 && epoch == 0 && len >= 12) {
                int seq = ((d[off + 17] & 0xFF) << 8) | (d[off + 18] & 0xFF);
                sb.append("hs0:").append(d[off + 13] & 0xFF).append("/seq").append(seq);
            } else {
                sb.append(type == 20 ? "ccs" : type == 21 ? "alert" : type == 22 ? "hs" : type == 23 ? "app" : "t" + type)
                        .append(epoch);
            }
            off += 13 + len;
        }
        return sb.toString();
    }
}
