package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.ice.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receive hop: pooled buffers queued on a per-loop inbox. Every buffer must come back to the
 * pool, whatever the transport did with it (handled, refused, closed, loop gone), and the queue must
 * hand each datagram over exactly once under concurrent producers.
 */
class LoopInboxTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    UdpMux mux;
    private ExecutorService loop;
    private ExecutorService handshakes;
    private LoopInbox inbox;
    private final List<PeerTransport> transports = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LO)) {
            port = probe.getLocalPort();
        }
        mux = new UdpMux(List.of(LO), port, port);
        loop = Executors.newSingleThreadExecutor();
        handshakes = Executors.newCachedThreadPool();
        inbox = new LoopInbox(loop);
        DtlsIdentity id = DtlsIdentity.generate();
        for (int i = 0; i < 2; i++) {
            transports.add(new PeerTransport("pc" + i, mux, null, inbox, handshakes, id, new QuietListener()));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.submit(() -> transports.forEach(PeerTransport::close)).get(5, TimeUnit.SECONDS);
        loop.shutdownNow();
        handshakes.shutdownNow();
        mux.close();
    }

    @Test
    void ringHandsEveryItemOverOnceUnderConcurrentProducers() throws Exception {
        BoundedRing<Integer> ring = new BoundedRing<>(1024);
        int producers = 4;
        int each = 50_000;
        boolean[] seen = new boolean[producers * each];
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    Integer v = base + i;
                    while (!ring.offer(v)) {
                        Thread.onSpinWait();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        int got = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got < seen.length && System.nanoTime() < end) {
            Integer v = ring.poll();
            if (v == null) {
                Thread.onSpinWait();
                continue;
            }
            assertFalse(seen[v], "item " + v + " delivered twice");
            seen[v] = true;
            got++;
        }
        for (Thread t : threads) {
            t.join(5000);
        }
        assertEquals(seen.length, got);
        assertNull(ring.poll());
    }

    @Test
    void ringIsBoundedAndFifo() {
        BoundedRing<Integer> ring = new BoundedRing<>(8);
        for (int i = 0; i < 8; i++) {
            assertTrue(ring.offer(i));
        }
        assertFalse(ring.offer(8), "full");
        for (int i = 0; i < 8; i++) {
            assertEquals(i, ring.poll());
        }
        assertNull(ring.poll());
        assertTrue(ring.isEmpty());
    }

    @Test
    void poolStopsAtItsBoundAndReusesReturnedBuffers() {
        ReceivePool pool = new ReceivePool(4);
        List<ReceivedDatagram> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            taken.add(assertNotNullAndGet(pool.take()));
        }
        assertNull(pool.take(), "all in flight: the datagram is dropped, nothing allocated");
        pool.release(taken.get(2));
        assertTrue(pool.take() == taken.get(2), "the returned buffer is reused");
        assertEquals(4, pool.created());
    }

    @Test
    void everyRoutedDatagramReturnsItsBufferToThePool() throws Exception {
        // Binding requests with the transports' real ufrags but a wrong key: routed by ufrag, queued on
        // the inbox, refused by ICE on the loop (RFC 8445 7.3: no answer), buffer returned.
        InetSocketAddress server = new InetSocketAddress(LO, transports.get(0).localPort());
        int n = 20_000;
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            byte[] b = new byte[300];
            for (int i = 0; i < n; i++) {
                PeerTransport t = transports.get(i & 1);
                byte[] tid = new byte[12];
                tid[0] = (byte) i;
                tid[1] = (byte) (i >> 8);
                int len = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                        .username(t.localIce().ufrag() + ":peer").priority(1)
                        .encode(b, 0, StunMessage.hmacSha1(new byte[16]), true);
                stranger.send(new DatagramPacket(b, len, server));
                if ((i & 255) == 0) {
                    Thread.sleep(1); // keep within the socket buffer
                }
            }
        }
        ReceivePool pool = mux.pool();
        assertTrue(waitFor(() -> pool.created() > 0 && pool.free() == pool.created()), "all buffers back");
        assertTrue(pool.created() <= UdpMux.POOL_SIZE);
        assertTrue(pool.created() < n, "buffers are reused, not one per datagram: " + pool.created());
        // a loaded machine can deschedule the loop long enough for its bounded inbox to refuse some
        // datagrams (it did under a load average of 7); refused ones must come back to the pool too
        assertTrue(inbox.dropped() < n, "most datagrams reached the loop: dropped " + inbox.dropped());
    }

    @Test
    void aStalledLoopFillsOnlyItsOwnInbox() throws Exception {
        ExecutorService stalledLoop = Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        stalledLoop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        LoopInbox stalledInbox = new LoopInbox(stalledLoop);
        PeerTransport stalled = new PeerTransport("stalled", mux, null, stalledInbox, handshakes,
                DtlsIdentity.generate(), new QuietListener());
        InetSocketAddress server = new InetSocketAddress(LO, stalled.localPort());
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            client.setSoTimeout(3000);
            byte[] b = new byte[300];
            int n = UdpMux.POOL_SIZE + 2000; // more than every receive buffer
            for (int i = 0; i < n; i++) {
                byte[] tid = new byte[12];
                tid[0] = (byte) i;
                tid[1] = (byte) (i >> 8);
                int len = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                        .username(stalled.localIce().ufrag() + ":peer").priority(1)
                        .encode(b, 0, StunMessage.hmacSha1(new byte[16]), true);
                client.send(new DatagramPacket(b, len, server));
                if ((i & 127) == 0) {
                    Thread.sleep(1); // keep within the socket buffer
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stalledInbox.dropped() < n - stalledInbox.capacity() - 64 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(stalledInbox.dropped() > 0, "the stalled loop's inbox is full");
            assertTrue(stalledInbox.capacity() <= UdpMux.POOL_SIZE / 4, "well below the pool");

            // another loop's transport still gets its check and answers it (RFC 8445 7.3)
            PeerTransport live = transports.get(0);
            byte[] tid = new byte[12];
            tid[11] = 42;
            int len = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                    .username(live.localIce().ufrag() + ":peer").priority(2130706431L).iceControlling(7)
                    .encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(live.localIce().pwd())), true);
            client.send(new DatagramPacket(b, len, new InetSocketAddress(LO, live.localPort())));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            client.receive(in);
            StunMessage resp = StunMessage.parse(java.util.Arrays.copyOf(in.getData(), in.getLength()), 0,
                    in.getLength());
            assertNotNull(resp);
            assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
        } finally {
            release.countDown();
            stalledLoop.submit(stalled::close).get(5, TimeUnit.SECONDS);
            // shutdown, not shutdownNow: a drain task re-posted behind the close (256 datagrams per task) still
            // runs and returns its buffers, as MediaLoop.close lets queued tasks finish
            stalledLoop.shutdown();
            assertTrue(stalledLoop.awaitTermination(10, TimeUnit.SECONDS));
        }
        ReceivePool pool = mux.pool();
        assertTrue(waitFor(() -> pool.free() == pool.created()), "all buffers back after the loop resumes");
    }

    @Test
    void inboxCapacityLeavesHalfThePoolWhenEveryOtherLoopStalls() {
        for (int loops : new int[] {1, 2, 8, 64}) {
            int c = new LoopInbox(Runnable::run, LoopInbox.capacityFor(loops)).capacity();
            assertTrue(c * loops <= UdpMux.POOL_SIZE / 2 || c == LoopInbox.MIN_CAPACITY, loops + " loops: " + c);
        }
    }

    @Test
    void datagramsForAClosedTransportAreReturned() throws Exception {
        PeerTransport t = transports.get(1);
        loop.submit(t::close).get(5, TimeUnit.SECONDS);
        ReceivePool pool = mux.pool();
        for (int i = 0; i < 100; i++) {
            ReceivedDatagram d = pool.take();
            d.len = 20;
            d.path = new UdpMux.UdpPath(mux.sockets().get(0), new InetSocketAddress(LO, 9), t);
            t.enqueue(d);
        }
        assertTrue(waitFor(() -> pool.free() == pool.created()), "all buffers back");
    }

    @Test
    void aGoneLoopDropsAndReturns() {
        AtomicInteger rejected = new AtomicInteger();
        LoopInbox gone = new LoopInbox(r -> {
            rejected.incrementAndGet();
            throw new RejectedExecutionException("shut down");
        });
        PeerTransport t = new PeerTransport("gone", mux, null, gone, handshakes, DtlsIdentity.generate(), new QuietListener());
        transports.add(t);
        ReceivedDatagram d = mux.pool().take();
        d.path = new UdpMux.UdpPath(mux.sockets().get(0), new InetSocketAddress(LO, 9), t);
        int free = mux.pool().free();
        t.enqueue(d);
        assertEquals(1, rejected.get());
        assertEquals(1, gone.dropped());
        assertEquals(free + 1, mux.pool().free(), "returned to the pool");
    }

    private static ReceivedDatagram assertNotNullAndGet(ReceivedDatagram d) {
        assertNotNull(d);
        return d;
    }

    private boolean waitFor(java.util.concurrent.Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (loop.submit(c).get(5, TimeUnit.SECONDS)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
