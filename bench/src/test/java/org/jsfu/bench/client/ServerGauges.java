package org.jsfu.bench.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.jsfu.server.JsfuServer;

/**
 * What a server holds per room, participant, peer connection and egress, read through its counters, and
 * this JVM's threads and open file descriptors: for churn tests that check a server returns to its baseline.
 */
final class ServerGauges {
    private ServerGauges() {}

    /** Every gauge by name; the loop-only ones are read on each loop. */
    static Map<String, Integer> read(JsfuServer s) throws Exception {
        Map<String, Integer> g = new LinkedHashMap<>();
        g.put("rooms", s.rooms().roomCount());
        g.put("mediaSessions", s.media().openSessions());
        g.put("roomRouters", s.media().roomRouters());
        g.put("udpUfragRoutes", s.udpMux().ufragRoutes());
        g.put("udpAddressRoutes", s.udpMux().addressRoutes());
        g.put("stunTransactionRoutes", s.udpMux().transactionRoutes());
        g.put("udpReceiveBuffersInFlight", s.udpMux().receiveBuffersInFlight());
        g.put("tcpUfragRoutes", s.tcpMux() == null ? 0 : s.tcpMux().ufragRoutes());
        g.put("tcpConnections", s.tcpMux() == null ? 0 : s.tcpMux().connectionCount());
        g.put("signalConnections", s.signalConnections());
        g.put("webhooksPending", s.webhooksPending());
        int queued = 0;
        int periodic = 0;
        for (MediaLoop l : s.loops().all()) {
            queued += l.queuedTasks();
            periodic += l.submit(l::periodicMembers).get(5, TimeUnit.SECONDS);
        }
        g.put("loopQueuedTasks", queued);
        g.put("loopPeriodicMembers", periodic);
        g.put("egressesHeld", s.egress() == null ? 0 : s.egress().heldEgresses());
        g.put("egressesTicked", s.egress() == null ? 0 : s.egress().tickedEgresses());
        g.put("autoEgressTracks", s.egress() == null ? 0 : s.egress().autoEgressTracks());
        return g;
    }

    /**
     * Weak references to the room {@code name} (while it is open), its participants and their media sessions,
     * so a test can check that nothing keeps them once they are closed ({@link #awaitCollected}).
     */
    static List<WeakReference<Object>> track(JsfuServer s, String name) throws Exception {
        List<WeakReference<Object>> refs = new ArrayList<>();
        Room r = s.rooms().room(name);
        if (r == null) {
            return refs;
        }
        refs.add(new WeakReference<>(r));
        for (Participant p : r.loop().submit(r::participants).get(5, TimeUnit.SECONDS)) {
            refs.add(new WeakReference<>(p));
            refs.add(new WeakReference<>(p.media()));
        }
        return refs;
    }

    /** Collects garbage until every referent is gone; fails naming what is still reachable. */
    static void awaitCollected(List<WeakReference<Object>> refs, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            System.gc();
            List<String> left = new ArrayList<>();
            for (WeakReference<Object> w : refs) {
                Object o = w.get();
                if (o != null) {
                    left.add(o.getClass().getSimpleName() + ":" + o);
                }
            }
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(left.size() + " of " + refs.size() + " closed objects still reachable after "
                        + timeoutMs + " ms: " + left.subList(0, Math.min(10, left.size())));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Live threads of this JVM, except java.net.http's worker and selector threads: the clients' and the
     * webhook sender's HttpClients run on cached pools that start a thread whenever none is free at a burst
     * and keep it 60 s, so their count follows recent concurrency, not churn (bounded, never a leak).
     */
    static int threads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith("HttpClient-")) {
                n++;
            }
        }
        return n;
    }

    /** Live threads by name with digits dropped (pool members count together). */
    static Map<String, Integer> threadNames() {
        Map<String, Integer> n = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            n.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return n;
    }

    /** Open file descriptors of this process (sockets, files, epoll, pipes). */
    static int fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /** Every server gauge at zero: no room, route, timer, session or egress left. */
    static void awaitIdle(JsfuServer s, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        Map<String, Integer> g;
        while (true) {
            g = read(s);
            if (g.values().stream().allMatch(v -> v == 0)) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("server not back to idle after " + timeoutMs + " ms: " + g);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Threads and file descriptors at most {@code tolerance} above the baseline (pools keep idle threads
     * for a while; a socket's descriptor closes asynchronously): polled, not slept.
     */
    static void awaitProcessBaseline(int threads0, int fds0, int tolerance, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (threads() > threads0 + tolerance || fds() > fds0 + tolerance) {
            if (System.nanoTime() > end) {
                throw new AssertionError("threads " + threads() + " (baseline " + threads0 + "), fds " + fds()
                        + " (baseline " + fds0 + ") after " + timeoutMs + " ms; tolerance " + tolerance
                        + "; threads by name: " + threadNames());
            }
            Thread.sleep(50);
        }
    }
}
