package org.jsfu.core.dtls;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DtlsSessionTest {
    static final DtlsIdentity SERVER_ID = DtlsIdentity.generate();
    static final DtlsIdentity CLIENT_ID = DtlsIdentity.generate();

    ThreadPoolExecutor handshakePool;
    Link link;

    @BeforeEach
    void setUp() {
        handshakePool = (ThreadPoolExecutor) Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dtls-handshake-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void tearDown() {
        if (link != null) link.shutdown();
        handshakePool.shutdownNow();
    }

    /** Records the listener calls of one side. */
    static final class Recorder implements DtlsSession.Listener {
        final CompletableFuture<SrtpProfile> profile = new CompletableFuture<>();
        volatile byte[] keyingMaterial;
        final CompletableFuture<String> failed = new CompletableFuture<>();
        final LinkedBlockingQueue<byte[]> appData = new LinkedBlockingQueue<>();
        volatile Out out = (b, off, len) -> { };

        interface Out {
            void send(byte[] b, int off, int len);
        }

        @Override
        public void sendDatagram(byte[] b, int off, int len) {
            out.send(b, off, len);
        }

        @Override
        public void onConnected(SrtpProfile p, byte[] km) {
            keyingMaterial = km;
            profile.complete(p);
        }

        @Override
        public void onApplicationData(byte[] b, int off, int len) {
            appData.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            if (!failed.complete(reason)) throw new AssertionError("onFailed called twice");
        }
    }

    /** In-memory link: one delivery thread per direction, seeded loss and reordering. */
    static final class Link {
        final Recorder clientRec = new Recorder();
        final Recorder serverRec = new Recorder();
        final ExecutorService toServer = Executors.newSingleThreadExecutor();
        final ExecutorService toClient = Executors.newSingleThreadExecutor();
        final Random rnd;
        volatile double loss;
        volatile double reorder;
        /** Server datagrams this returns true for are dropped (before loss and reordering). */
        volatile java.util.function.Predicate<byte[]> dropToClient = d -> false;
        DtlsSession client;
        DtlsSession server;
        private byte[] heldToServer;
        private byte[] heldToClient;

        private final long baseSeed;

        Link(long seed, double loss, double reorder) {
            this.baseSeed = seed;
            this.rnd = new Random(seed);
            this.loss = loss;
            this.reorder = reorder;
            clientRec.out = (b, off, len) -> forward(Arrays.copyOfRange(b, off, off + len), true);
            serverRec.out = (b, off, len) -> forward(Arrays.copyOfRange(b, off, off + len), false);
        }

        /**
         * Which datagrams are lost is fixed by their index in each direction (chosen by the seed), not
         * drawn at send time: thread timing cannot turn a run into a long chain of retransmission
         * back-offs (1 s, 2 s, 4 s...), yet first flights and middle flights are lost.
         * Index 4 is the client's CertificateVerify (issue 3, see ChangeCipherSpecGate);
         * DtlsLossPatternTest loses every single datagram of both sides in turn.
         */
        private int sentToServer;
        private int sentToClient;

        private boolean lose(boolean toServerSide) {
            int i = toServerSide ? sentToServer++ : sentToClient++;
            if (loss <= 0) {
                return false;
            }
            int[] lost = baseSeed % 2 == 1
                    ? (toServerSide ? new int[] {0, 4} : new int[] {1})
                    : (toServerSide ? new int[] {2} : new int[] {0, 3});
            for (int x : lost) {
                if (x == i) {
                    return true;
                }
            }
            return false;
        }

        private synchronized void forward(byte[] d, boolean toServerSide) {
            if (!toServerSide && dropToClient.test(d)) {
                return;
            }
            if (lose(toServerSide)) {
                return;
            }
            byte[] held = toServerSide ? heldToServer : heldToClient;
            if (held == null && rnd.nextDouble() < reorder) {
                if (toServerSide) heldToServer = d; else heldToClient = d;
                return;
            }
            deliver(d, toServerSide);
            if (held != null) {
                deliver(held, toServerSide);
                if (toServerSide) heldToServer = null; else heldToClient = null;
            }
        }

        void deliver(byte[] d, boolean toServerSide) {
            if (toServerSide) {
                toServer.execute(() -> server.receive(d, 0, d.length));
            } else {
                toClient.execute(() -> client.receive(d, 0, d.length));
            }
        }

        void shutdown() {
            if (client != null) client.close();
            if (server != null) server.close();
            toServer.shutdownNow();
            toClient.shutdownNow();
        }
    }

    Link connect(long seed, double loss, double reorder, DtlsSession.Options clientOpts,
                 DtlsSession.Options serverOpts, String clientPins, String serverPins) {
        link = new Link(seed, loss, reorder);
        link.client = new DtlsSession(CLIENT_ID, true, clientPins, link.clientRec, handshakePool, clientOpts);
        link.server = new DtlsSession(SERVER_ID, false, serverPins, link.serverRec, handshakePool, serverOpts);
        link.server.start();
        link.client.start();
        return link;
    }

    @Test
    void identityFingerprintFormat() {
        assertTrue(SERVER_ID.fingerprintSha256().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
        assertNotEquals(SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256());
        assertEquals(SERVER_ID.fingerprintSha256(), DtlsIdentity.fingerprintSha256(SERVER_ID.certificateDer()));
    }

    @Test
    void handshakeOverLossyReorderingLinkAgreesOnKeysAndCarriesData() throws Exception {
        for (long seed : new long[] {1, 2}) {
            // Retransmission backs off 1 s, 2 s, 4 s...: allow for unlucky repeated losses. These are
            // real seconds: BouncyCastle reads System.currentTimeMillis() itself (no injectable clock),
            // so the DTLS timers cannot be faked; DtlsLossPatternTest scales them instead.
            DtlsSession.Options o = DtlsSession.Options.defaults().withHandshakeTimeoutMs(45_000);
            Link l = connect(seed, 0.10, 0.10, o, o,
                    SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256().toLowerCase());
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, l.clientRec.profile.get(50, TimeUnit.SECONDS), "seed " + seed);
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, l.serverRec.profile.get(50, TimeUnit.SECONDS));
            assertEquals(2 * (16 + 12), l.clientRec.keyingMaterial.length);
            assertArrayEquals(l.clientRec.keyingMaterial, l.serverRec.keyingMaterial);
            SrtpOverLinkCheck.keysMatch(SrtpProfile.AEAD_AES_128_GCM, l.clientRec.keyingMaterial,
                    l.serverRec.keyingMaterial);
            assertTrue(l.client.isConnected() && l.server.isConnected());
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, l.server.srtpProfile());

            l.loss = 0;
            l.reorder = 0;
            assertTrue(l.client.sendApplicationData(bytes("hello server"), 0, 12));
            assertEquals("hello server", text(l.serverRec.appData.poll(5, TimeUnit.SECONDS)));
            byte[] big = new byte[1000];
            new Random(seed).nextBytes(big);
            assertTrue(l.server.sendApplicationData(big, 0, big.length));
            assertArrayEquals(big, l.clientRec.appData.poll(5, TimeUnit.SECONDS));
            assertTrue(l.client.sendLimit() >= 1000 && l.client.sendLimit() < 1200);
            assertFalse(l.clientRec.failed.isDone());
            assertFalse(l.serverRec.failed.isDone());
            l.shutdown();
            link = null;
        }
    }

    /**
     * The server's last flight (ChangeCipherSpec, Finished: RFC 6347 4.2.4, flight 6) is lost once.
     * The server has finished and switched to pump mode, so only the record layer driven by
     * {@link DtlsSession#receive} can answer the client's retransmitted flight 5 with flight 6 again;
     * the client must still connect with the same keys.
     */
    @Test
    void lostFinalServerFlightIsResentWhenTheClientRetransmits() throws Exception {
        DtlsSession.Options o = DtlsSession.Options.defaults().withHandshakeTimeoutMs(30_000);
        link = new Link(3, 0, 0);
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        link.dropToClient = d -> {
            boolean ccs = d[0] == 20;
            boolean epoch1Handshake = d[0] == 22 && d.length > 5 && d[3] == 0 && d[4] == 1;
            return (ccs || epoch1Handshake) && dropped.incrementAndGet() <= 2; // the first flight 6 only
        };
        link.client = new DtlsSession(CLIENT_ID, true, SERVER_ID.fingerprintSha256(), link.clientRec, handshakePool, o);
        link.server = new DtlsSession(SERVER_ID, false, CLIENT_ID.fingerprintSha256(), link.serverRec, handshakePool, o);
        link.server.start();
        link.client.start();

        assertNotNull(link.serverRec.profile.get(20, TimeUnit.SECONDS), "server done after sending flight 6");
        assertNotNull(link.clientRec.profile.get(20, TimeUnit.SECONDS), "client done after the resent flight 6");
        assertTrue(dropped.get() > 2, "flight 6 was sent again: " + dropped.get());
        assertArrayEquals(link.clientRec.keyingMaterial, link.serverRec.keyingMaterial);
        assertTrue(link.client.sendApplicationData(bytes("after resend"), 0, 12));
        assertEquals("after resend", text(link.serverRec.appData.poll(5, TimeUnit.SECONDS)));
        assertFalse(link.clientRec.failed.isDone());
        assertFalse(link.serverRec.failed.isDone());
    }

    @Test
    void serverProfilePreferenceIsAParameter() throws Exception {
        DtlsSession.Options cmFirst = DtlsSession.Options.defaults()
                .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        Link l = connect(3, 0, 0, DtlsSession.Options.defaults(), cmFirst,
                SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, l.clientRec.profile.get(10, TimeUnit.SECONDS));
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, l.serverRec.profile.get(10, TimeUnit.SECONDS));
        assertEquals(2 * (16 + 14), l.serverRec.keyingMaterial.length);
        assertArrayEquals(l.clientRec.keyingMaterial, l.serverRec.keyingMaterial);
    }

    @Test
    void serverPreferenceWinsOverClientOrder() throws Exception {
        DtlsSession.Options clientCmFirst = DtlsSession.Options.defaults()
                .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        Link l = connect(9, 0, 0, clientCmFirst, DtlsSession.Options.defaults(),
                SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, l.clientRec.profile.get(10, TimeUnit.SECONDS));
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, l.serverRec.profile.get(10, TimeUnit.SECONDS));
    }

    @Test
    void noCommonProfileFailsBothSides() throws Exception {
        DtlsSession.Options gcmOnly = DtlsSession.Options.defaults().withSrtpProfiles(List.of(SrtpProfile.AEAD_AES_128_GCM))
                .withHandshakeTimeoutMs(5000);
        DtlsSession.Options cmOnly = DtlsSession.Options.defaults()
                .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80)).withHandshakeTimeoutMs(5000);
        Link l = connect(4, 0, 0, gcmOnly, cmOnly, SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256());
        assertTrue(l.serverRec.failed.get(10, TimeUnit.SECONDS).contains("handshake_failure"));
        // BouncyCastle sends no alert while still processing the ClientHello: the client times out.
        assertNotNull(l.clientRec.failed.get(10, TimeUnit.SECONDS));
        assertFalse(l.clientRec.profile.isDone());
    }

    @Test
    void wrongServerFingerprintFailsBothSides() throws Exception {
        DtlsSession.Options o = DtlsSession.Options.defaults().withHandshakeTimeoutMs(5000);
        Link l = connect(5, 0, 0, o, o, CLIENT_ID.fingerprintSha256() /* wrong */, CLIENT_ID.fingerprintSha256());
        assertTrue(l.clientRec.failed.get(10, TimeUnit.SECONDS).contains("fingerprint"));
        assertNotNull(l.serverRec.failed.get(10, TimeUnit.SECONDS));
        assertFalse(l.clientRec.profile.isDone());
        assertFalse(l.serverRec.profile.isDone());
        assertFalse(l.client.isConnected());
    }

    @Test
    void wrongClientFingerprintFailsBothSides() throws Exception {
        DtlsSession.Options o = DtlsSession.Options.defaults().withHandshakeTimeoutMs(5000);
        Link l = connect(6, 0, 0, o, o, SERVER_ID.fingerprintSha256(), SERVER_ID.fingerprintSha256() /* wrong */);
        assertTrue(l.serverRec.failed.get(10, TimeUnit.SECONDS).contains("fingerprint"));
        assertNotNull(l.clientRec.failed.get(10, TimeUnit.SECONDS));
        assertFalse(l.serverRec.profile.isDone());
        assertFalse(l.clientRec.profile.isDone());
    }

    @Test
    void garbageDuringAndAfterHandshakeIsIgnored() throws Exception {
        link = new Link(7, 0, 0);
        Link l = link;
        l.client = new DtlsSession(CLIENT_ID, true, SERVER_ID.fingerprintSha256(), l.clientRec, handshakePool);
        l.server = new DtlsSession(SERVER_ID, false, CLIENT_ID.fingerprintSha256(), l.serverRec, handshakePool);
        Random rnd = new Random(77);
        sprayGarbage(l, rnd, 300); // before the handshake starts: queued, must be skipped
        l.server.start();
        l.client.start();
        for (int i = 0; i < 20 && !l.serverRec.profile.isDone(); i++) {
            sprayGarbage(l, rnd, 50);
            Thread.sleep(5);
        }
        assertNotNull(l.clientRec.profile.get(20, TimeUnit.SECONDS));
        assertNotNull(l.serverRec.profile.get(20, TimeUnit.SECONDS));
        sprayGarbage(l, rnd, 2000);
        // Records that look like application data of the current epoch with a wrong MAC.
        for (int i = 0; i < 200; i++) {
            byte[] rec = new byte[13 + 40];
            rnd.nextBytes(rec);
            rec[0] = 23;
            rec[1] = (byte) 0xFE;
            rec[2] = (byte) 0xFD;
            rec[3] = 0;
            rec[4] = 1;
            rec[11] = 0;
            rec[12] = 40;
            l.server.receive(rec, 0, rec.length);
            l.client.receive(rec, 0, rec.length);
        }
        assertTrue(l.client.sendApplicationData(bytes("still fine"), 0, 10));
        assertEquals("still fine", text(l.serverRec.appData.poll(5, TimeUnit.SECONDS)));
        assertTrue(l.server.sendApplicationData(bytes("yes"), 0, 3));
        assertEquals("yes", text(l.clientRec.appData.poll(5, TimeUnit.SECONDS)));
        assertFalse(l.clientRec.failed.isDone());
        assertFalse(l.serverRec.failed.isDone());
        assertTrue(l.serverRec.appData.isEmpty(), "garbage produced no application data");
    }

    private static void sprayGarbage(Link l, Random rnd, int n) {
        for (int i = 0; i < n; i++) {
            byte[] g = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(g);
            if (rnd.nextBoolean()) g[0] = (byte) (20 + rnd.nextInt(44)); // passes the RFC 7983 DTLS range
            if (rnd.nextInt(4) == 0 && g.length > 13) { // plausible DTLS 1.2 handshake record header
                g[0] = 22;
                g[1] = (byte) 0xFE;
                g[2] = (byte) 0xFD;
            }
            l.server.receive(g, 0, g.length);
            l.client.receive(g, 0, g.length);
        }
    }

    @Test
    void clientHandshakeTimeoutReportsFailure() throws Exception {
        handshakeTimeout(true);
    }

    @Test
    void serverWithoutClientHelloTimesOut() throws Exception {
        handshakeTimeout(false);
    }

    private void handshakeTimeout(boolean client) throws Exception {
        Recorder rec = new Recorder(); // sends into the void
        DtlsSession s = new DtlsSession(CLIENT_ID, client, SERVER_ID.fingerprintSha256(), rec, handshakePool,
                DtlsSession.Options.defaults().withHandshakeTimeoutMs(1500));
        long t0 = System.nanoTime();
        s.start();
        assertEquals("handshake timeout", rec.failed.get(10, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 1000 && ms < 8000, "took " + ms);
        assertFalse(s.isConnected());
        waitIdle();
    }

    @Test
    void closeDuringHandshakeFreesTheThreadWithoutCallback() throws Exception {
        Recorder rec = new Recorder();
        DtlsSession s = new DtlsSession(SERVER_ID, false, CLIENT_ID.fingerprintSha256(), rec, handshakePool);
        s.start();
        Thread.sleep(200);
        assertEquals(1, handshakePool.getActiveCount());
        s.close();
        waitIdle();
        assertFalse(rec.failed.isDone());
        s.close(); // idempotent
    }

    @Test
    void closeSendsCloseNotifyAndPeerReportsIt() throws Exception {
        Link l = connect(8, 0, 0, DtlsSession.Options.defaults(), DtlsSession.Options.defaults(),
                SERVER_ID.fingerprintSha256(), CLIENT_ID.fingerprintSha256());
        l.serverRec.profile.get(10, TimeUnit.SECONDS);
        l.clientRec.profile.get(10, TimeUnit.SECONDS);
        l.client.close();
        assertTrue(l.serverRec.failed.get(5, TimeUnit.SECONDS).contains("close_notify"));
        assertFalse(l.clientRec.failed.isDone(), "local close gives no callback");
        assertFalse(l.client.sendApplicationData(bytes("x"), 0, 1));
        waitIdle();
    }

    private void waitIdle() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (handshakePool.getActiveCount() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertEquals(0, handshakePool.getActiveCount(), "handshake thread released");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
