package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.ice.IceAgent;
import org.jsfu.core.ice.IceChecklist;
import org.jsfu.core.ice.IceCredentials;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.ice.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Full ICE through real sockets: the transport's own checks leave from the shared UDP socket, their
 * responses (which carry no USERNAME) reach it through UdpMux's transaction routes, and the selected
 * pair becomes the media path. The "browser" is a DatagramSocket driven by our own sans-IO agent.
 */
class PeerTransportFullIceTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final IceCredentials browserIce = IceCredentials.random();
    private ScheduledExecutorService loop;
    private ExecutorService handshakes;
    private UdpMux mux;
    private PeerTransport transport;
    private DatagramSocket browser;
    private IceAgent browserAgent;

    @BeforeEach
    void setUp() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        mux = new UdpMux(List.of(LOOPBACK), port, port);
        loop = Executors.newSingleThreadScheduledExecutor();
        handshakes = Executors.newCachedThreadPool();
        browser = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        browser.setSoTimeout(3000);
    }

    private void open(boolean controlling) {
        transport = new PeerTransport("t", mux, null, loop::execute, handshakes, DtlsIdentity.generate(), new QuietListener(),
                IceRole.full(controlling, 42), (r, ms) -> loop.schedule(r, ms, TimeUnit.MILLISECONDS));
        IceRole browserRole = IceRole.full(!controlling, 7);
        browserAgent = new IceAgent(browserIce, browserRole, transport.localIce().ufrag(), transport.localIce().pwd(),
                IceAgent.DEFAULT_CONSENT_TIMEOUT_MS);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (transport != null) {
            onLoop(() -> { transport.close(); return null; });
        }
        loop.shutdownNow();
        handshakes.shutdownNow();
        mux.close();
        browser.close();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    private InetSocketAddress server() {
        return new InetSocketAddress(LOOPBACK, transport.localPort());
    }

    /** Controlled (publisher PC): our check to the browser's SDP candidate; its response routes by transaction id. */
    @Test
    void checksTheBrowsersCandidateAndRoutesTheResponseByTransactionId() throws Exception {
        open(false);
        String cand = "candidate:1 1 udp 2130706431 127.0.0.1 " + browser.getLocalPort() + " typ host";
        onLoop(() -> transport.addRemoteCandidate(cand));
        onLoop(() -> { transport.setRemote(browserIce.ufrag(), browserIce.pwd(), DtlsIdentity.generate().fingerprintSha256()); return null; });

        StunMessage req = receiveRequest();
        assertEquals(browserIce.ufrag() + ":" + transport.localIce().ufrag(), req.username(), "RFC 8445 7.2.2");
        assertTrue(req.hasIceControlled());
        assertEquals(42, req.iceControlled());
        assertFalse(req.useCandidate());
        assertTrue(req.hasPriority());
        answer(req);

        InetSocketAddress me = (InetSocketAddress) browser.getLocalSocketAddress();
        UdpMux.Socket sock = mux.sockets().get(0);
        assertTrue(waitFor(() -> transport.checklist().isValid(sock, me)), "the response reached the checklist");
        assertEquals(0, mux.droppedDatagrams());

        // The browser (controlling) now checks with USE-CANDIDATE: the pair is valid, so it is selected.
        sendCheck(true, 3);
        assertTrue(waitFor(() -> me.equals(transport.checklist().selectedRemote())));
        assertEquals(me, onLoop(() -> transport.path().remote()));
    }

    /** Controlling (subscriber PC): the browser's check reveals its address; we check back and nominate. */
    @Test
    void learnsThePeerFromItsCheckAndNominates() throws Exception {
        open(true);
        onLoop(() -> { transport.setRemote(browserIce.ufrag(), browserIce.pwd(), DtlsIdentity.generate().fingerprintSha256()); return null; });
        sendCheck(false, 1);
        boolean nominated = false;
        for (int i = 0; i < 20 && !nominated; i++) {
            StunMessage req = receiveRequest();
            assertTrue(req.hasIceControlling());
            nominated = req.useCandidate();
            answer(req);
        }
        assertTrue(nominated, "RFC 8445 8.1.1: a check with USE-CANDIDATE on the valid pair");
        InetSocketAddress me = (InetSocketAddress) browser.getLocalSocketAddress();
        assertTrue(waitFor(() -> me.equals(transport.checklist().selectedRemote())));
        assertEquals(server(), browserAgent.selectedAddress(), "the controlled side saw the nomination");
    }

    /**
     * {@link PeerTransport#driveConsentFromTick}: once the pair is selected, our consent check (RFC 7675 5.1)
     * leaves from {@link PeerTransport#tick} when one is due (time is the tick's parameter here), not from a
     * timer of the transport's own.
     */
    @Test
    void consentCheckLeavesFromTheTickOnceDue() throws Exception {
        open(true);
        onLoop(() -> { transport.driveConsentFromTick(500); return null; });
        onLoop(() -> { transport.setRemote(browserIce.ufrag(), browserIce.pwd(), DtlsIdentity.generate().fingerprintSha256()); return null; });
        sendCheck(false, 1);
        boolean nominated = false;
        for (int i = 0; i < 20 && !nominated; i++) {
            StunMessage req = receiveRequest();
            nominated = req.useCandidate();
            answer(req);
        }
        assertTrue(nominated);
        InetSocketAddress me = (InetSocketAddress) browser.getLocalSocketAddress();
        assertTrue(waitFor(() -> me.equals(transport.checklist().selectedRemote())));
        long answered = onLoop(() -> transport.checklist().selectedLastResponseMs());
        long now = System.nanoTime();
        onLoop(() -> { transport.tick(now); return null; }); // nothing due yet: the first consent check is 4-6 s away
        browser.setSoTimeout(300);
        assertThrows(AssertionError.class, this::receiveRequest, "no check before consent is due");
        browser.setSoTimeout(3000);
        onLoop(() -> { transport.tick(now + 6_000_000_000L); return null; });
        StunMessage consent = receiveRequest();
        assertTrue(consent.hasIceControlling());
        assertFalse(consent.useCandidate(), "a consent check nominates nothing");
        answer(consent);
        assertTrue(waitFor(() -> transport.checklist().selectedLastResponseMs() > answered), "its response counts");
    }

    /** Controlled: the browser's nomination moves media at once; our own check on the pair confirms it later. */
    @Test
    void followsThePeersNominationBeforeOurCheckSucceeded() throws Exception {
        open(false);
        onLoop(() -> { transport.setRemote(browserIce.ufrag(), browserIce.pwd(), DtlsIdentity.generate().fingerprintSha256()); return null; });
        try (DatagramSocket second = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            sendCheck(false, 5);
            InetSocketAddress first = (InetSocketAddress) browser.getLocalSocketAddress();
            assertTrue(waitFor(() -> transport.path() != null && first.equals(transport.path().remote())));
            byte[] tid = new byte[12];
            new Random(6).nextBytes(tid);
            byte[] b = new byte[300];
            int n = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                    .username(transport.localIce().ufrag() + ":" + browserIce.ufrag()).priority(2130706431L)
                    .iceControlling(7).useCandidate(true)
                    .encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(transport.localIce().pwd())), true);
            second.send(new DatagramPacket(b, n, server()));
            InetSocketAddress nominated = (InetSocketAddress) second.getLocalSocketAddress();
            assertTrue(waitFor(() -> nominated.equals(transport.path().remote())), "media follows the nomination");
            assertEquals(null, onLoop(() -> transport.checklist().selectedRemote()), "not confirmed by our check yet");
        }
    }

    /**
     * {@link PeerTransport#restartLocalIce}: checks signed with the new credentials are answered, from the
     * bound address and from a new one (routed by the new ufrag); the old credentials no longer authenticate,
     * and a check naming the old ufrag from an unknown address has no route any more.
     */
    @Test
    void restartedLocalCredentialsReplaceTheOldOnes() throws Exception {
        open(false);
        onLoop(() -> { transport.setRemote(browserIce.ufrag(), browserIce.pwd(), DtlsIdentity.generate().fingerprintSha256()); return null; });
        IceCredentials old = onLoop(() -> transport.localIce());
        send(browser, old, 1);
        assertEquals(1, receiveSuccess(browser), "answered with the first credentials");

        IceCredentials fresh = onLoop(() -> transport.restartLocalIce());
        assertFalse(fresh.ufrag().equals(old.ufrag()) || fresh.pwd().equals(old.pwd()), "new ufrag and pwd");
        assertEquals(fresh, onLoop(() -> transport.localIce()), "what the next SDP carries");
        // from the bound address: the old-credential check gets no answer, the next (new) one does, in order
        send(browser, old, 2);
        send(browser, fresh, 3);
        assertEquals(3, receiveSuccess(browser), "only the check with the new credentials is answered");

        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            other.setSoTimeout(3000);
            long dropped = mux.droppedDatagrams();
            send(other, old, 4); // unknown address, old ufrag: no route
            assertTrue(waitFor(() -> mux.droppedDatagrams() == dropped + 1), "old ufrag from a new address dropped");
            send(other, fresh, 5);
            assertEquals(5, receiveSuccess(other), "new ufrag from a new address routed and answered");
        }
    }

    /**
     * A transport the peer already closed (DTLS close_notify closes it while its session lives on) is not
     * routed again by a later ICE restart (a resume's subscriber restart, a restart offer): its ufrag route
     * would outlive it, holding the transport and its session until the server stops.
     */
    @Test
    void aClosedTransportIsNotRegisteredAgainByARestart() throws Exception {
        open(false);
        assertEquals(1, mux.ufragRoutes(), "the open transport's ufrag");
        IceCredentials before = onLoop(() -> {
            transport.close();
            return transport.localIce();
        });
        assertEquals(0, mux.ufragRoutes(), "closed: no route");
        IceCredentials after = onLoop(() -> transport.restartLocalIce());
        assertEquals(0, mux.ufragRoutes(), "a restart of a closed transport registers nothing");
        assertEquals(before, after, "credentials of a closed transport stay");
    }

    /** A Binding request (tid from {@code seed}) from {@code from}, signed with the server credentials {@code server}. */
    private void send(DatagramSocket from, IceCredentials server, long seed) throws Exception {
        byte[] tid = new byte[12];
        tid[0] = (byte) seed;
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                .username(server.ufrag() + ":" + browserIce.ufrag()).priority(2130706431L).iceControlling(7);
        byte[] b = new byte[300];
        int n = m.encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(server.pwd())), true);
        from.send(new DatagramPacket(b, n, server()));
    }

    /** The seed of the first Binding success received on {@code s} (server checks are skipped). */
    private int receiveSuccess(DatagramSocket s) throws Exception {
        long deadline = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < deadline) {
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            try {
                s.receive(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            StunMessage m = StunMessage.parse(Arrays.copyOf(in.getData(), in.getLength()), 0, in.getLength());
            if (m != null && m.type() == StunMessage.BINDING_SUCCESS) {
                return m.transactionId()[0];
            }
        }
        throw new AssertionError("no Binding success");
    }

    private void sendCheck(boolean useCandidate, long seed) throws Exception {
        byte[] tid = new byte[12];
        new Random(seed).nextBytes(tid);
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                .username(transport.localIce().ufrag() + ":" + browserIce.ufrag()).priority(2130706431L);
        if (browserAgent.role().isControlling()) {
            m.iceControlling(7).useCandidate(useCandidate);
        } else {
            m.iceControlled(7);
        }
        byte[] b = new byte[300];
        int n = m.encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(transport.localIce().pwd())), true);
        browser.send(new DatagramPacket(b, n, server()));
    }

    /** Receives datagrams until a Binding request from the server arrives (responses to our checks are skipped). */
    private StunMessage receiveRequest() throws Exception {
        long deadline = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < deadline) {
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            try {
                browser.receive(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            StunMessage m = StunMessage.parse(Arrays.copyOf(in.getData(), in.getLength()), 0, in.getLength());
            if (m != null && m.isBindingRequest()) {
                assertEquals(server(), in.getSocketAddress());
                return m;
            }
        }
        throw new AssertionError("no check from the server");
    }

    /** The browser's agent answers a request (signed with the browser's password). */
    private void answer(StunMessage req) throws Exception {
        byte[] raw = new byte[600];
        int len = req.encode(raw, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(browserIce.pwd())), true);
        byte[] out = new byte[600];
        int n = browserAgent.handleStun(raw, 0, len, server(), System.currentTimeMillis(), out);
        assertTrue(n > 0, "the server's check authenticates with the browser's password");
        browser.send(new DatagramPacket(out, n, server()));
    }

    private boolean waitFor(Callable<Boolean> c) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (onLoop(c)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
