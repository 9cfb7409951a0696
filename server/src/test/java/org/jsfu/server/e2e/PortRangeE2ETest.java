package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsfu.core.transport.UdpMux;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two-tabs scenario against LiveKit's default UDP mode: no rtc.udp_port, every peer connection
 * given a port of rtc.port_range_start..end (three ports here). Two tabs make four PCs (publisher and
 * subscriber each), assigned round robin, so media must flow over more than one port of the range;
 * the ports that carried a validated peer are sampled while the browsers talk.
 */
class PortRangeE2ETest {
    private static final int PORTS = 3;
    private static E2eServer e2e;

    @BeforeAll
    static void startServer() throws Exception {
        e2e = E2eServer.startOnPortRange(PORTS, "");
    }

    @AfterAll
    static void stopServer() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void twoTabsTalkOverAPortRange() throws Exception {
        UdpMux mux = e2e.server.udpMux();
        Set<Integer> range = new TreeSet<>();
        for (UdpMux.Socket s : mux.sockets()) {
            range.add(s.port());
        }
        Set<Integer> used = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                for (int p : range) {
                    if (mux.addressRoutes(p) > 0) {
                        used.add(p);
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "port-sampler");
        sampler.start();
        try {
            e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/two-tabs.test.mjs");
        } finally {
            running.set(false);
            sampler.join(2000);
        }
        assertTrue(used.size() >= 2 && range.containsAll(used),
                "validated peers on several ports of the range " + range + ": " + used);
    }
}
