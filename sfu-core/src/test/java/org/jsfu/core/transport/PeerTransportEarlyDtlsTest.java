package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the subscriber PC the browser learns our fingerprint from our offer and starts DTLS as soon as
 * a check succeeds, which can be before its answer (and so its fingerprint) reaches us. That first
 * ClientHello must not be lost: it is held and fed to the DTLS server when the answer arrives. The
 * ClientHello is sent exactly once here, so only the replay can make the server answer it.
 */
class PeerTransportEarlyDtlsTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private TransportRig rig;
    private UdpMux mux;
    private ExecutorService loop;
    private ExecutorService handshakes;
    private PeerTransport transport;
    private DatagramSocket browser;

    @BeforeEach
    void setUp() throws Exception {
        rig = new TransportRig("sub:t", DtlsIdentity.generate(), new QuietListener(), 5000);
        mux = rig.mux;
        loop = rig.loop;
        handshakes = rig.handshakes;
        transport = rig.transport;
        browser = rig.browser;
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void clientHelloBeforeTheAnswerIsReplayedWhenTheAnswerArrives() throws Exception {
        InetSocketAddress server = new InetSocketAddress(LO, transport.localPort());
        rig.browserCheck(false);

        DtlsIdentity browserId = DtlsIdentity.generate();
        byte[] clientHello = firstFlightOf(browserId, transport.fingerprint());
        browser.send(new DatagramPacket(clientHello, clientHello.length, server));
        assertTrue(waitFor(() -> transport.earlyDtlsQueued() == 1), "ClientHello held before the answer");

        loop.submit(() -> transport.setRemote("peer", "peerpassword0123456789", browserId.fingerprintSha256()))
                .get(5, TimeUnit.SECONDS);
        assertEquals(0, loop.submit(transport::earlyDtlsQueued).get(5, TimeUnit.SECONDS));

        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        browser.receive(in); // the server's first flight (ServerHello...), only possible from the replay
        assertTrue(DtlsSession.isDtls(in.getData(), 0, in.getLength()), "a DTLS record back");
        assertEquals(22, in.getData()[0], "handshake content type (RFC 6347 4.1)");
    }

    @Test
    void theServerHandshakeWaitsOnItsPoolWhileTheLoopKeepsRunning() throws Exception {
        InetSocketAddress server = new InetSocketAddress(LO, transport.localPort());
        rig.browserCheck(false);
        DtlsIdentity browserId = DtlsIdentity.generate();
        loop.submit(() -> transport.setRemote("peer", "peerpassword0123456789", browserId.fingerprintSha256()))
                .get(5, TimeUnit.SECONDS);
        byte[] clientHello = firstFlightOf(browserId, transport.fingerprint());
        browser.send(new DatagramPacket(clientHello, clientHello.length, server));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        browser.receive(in); // the server's flight: its handshake now blocks for a client flight that never comes
        assertTrue(DtlsSession.isDtls(in.getData(), 0, in.getLength()), "a DTLS record back");

        // the loop answers at once although the handshake is stalled: it does not run on the loop
        Thread loopThread = loop.submit(Thread::currentThread).get(1, TimeUnit.SECONDS);
        Thread inHandshake = null;
        for (var e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : e.getValue()) {
                if (f.getClassName().equals("org.bouncycastle.tls.DTLSServerProtocol")) {
                    inHandshake = e.getKey();
                }
            }
        }
        assertNotNull(inHandshake, "a thread waits in the DTLS server handshake");
        assertNotSame(loopThread, inHandshake, "the handshake runs off the media loop");
    }

    @Test
    void datagramsFromUncheckedAddressesAreNotHeld() throws Exception {
        byte[] clientHello = firstFlightOf(DtlsIdentity.generate(), transport.fingerprint());
        loop.submit(() -> transport.onDatagram(clientHello.clone(), 0, clientHello.length,
                new UdpMux.UdpPath(mux.sockets().get(0), new InetSocketAddress(LO, 9), transport), System.nanoTime()))
                .get(5, TimeUnit.SECONDS);
        assertEquals(0, loop.submit(transport::earlyDtlsQueued).get(5, TimeUnit.SECONDS));
    }

    /** A real DTLS client's first datagram (its ClientHello); the client is closed afterwards. */
    private byte[] firstFlightOf(DtlsIdentity id, String serverFingerprint) throws Exception {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsSession c = new DtlsSession(id, true, serverFingerprint, new DtlsSession.Listener() {
            @Override
            public void sendDatagram(byte[] b, int off, int len) {
                first.complete(Arrays.copyOfRange(b, off, off + len));
            }

            @Override
            public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {}

            @Override
            public void onApplicationData(byte[] b, int off, int len) {}

            @Override
            public void onFailed(String reason, Throwable cause) {}
        }, handshakes);
        c.start();
        try {
            return first.get(10, TimeUnit.SECONDS);
        } finally {
            c.close();
        }
    }


    private boolean waitFor(java.util.concurrent.Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (loop.submit(c).get(5, TimeUnit.SECONDS)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
