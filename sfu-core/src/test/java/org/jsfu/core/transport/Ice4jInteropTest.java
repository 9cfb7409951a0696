package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidatePairState;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our ICE agent checked against an independent implementation: jitsi's ice4j (test scope), a full
 * controlling agent on a 127.0.0.1 socket, plays the browser against a real PeerTransport on a
 * loopback UdpMux. Both must select the same pair (RFC 8445 8.1.1), DTLS-SRTP must then run on that
 * pair in both directions, and checks signed with a wrong password must not get a pair validated
 * (RFC 8445 7.3, RFC 5389 10.1.2).
 */
class Ice4jInteropTest {
    static {
        // Read once, when ice4j first loads its config, so set before any Agent exists: without them the
        // first Agent asks the AWS metadata address (169.254.169.254) for a public IP and gathers IPv6.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.use-ipv6", "false");
    }

    /** ice4j logs every state change at INFO through java.util.logging; held so the levels stick. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.ice4j"), java.util.logging.Logger.getLogger("org.jitsi"));

    static {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
    }

    private static final Logger log = LoggerFactory.getLogger(Ice4jInteropTest.class);
    private static final DtlsIdentity SERVER_ID = DtlsIdentity.generate();
    private static final DtlsIdentity CLIENT_ID = DtlsIdentity.generate();
    private static final long ICE_TIMEOUT_MS = 10_000;
    /** The negative case watches this long: several times the slowest selection seen here (271 ms, loaded). */
    private static final long REFUSED_WATCH_MS = 2_000;

    /** Our side: full controlled with ice4j's SDP candidate, full controlled learning it from a check, or lite. */
    enum Mode { FULL_CONTROLLED, FULL_CONTROLLED_PEER_REFLEXIVE, LITE }

    private record Datagram(byte[] data, InetSocketAddress from) { }

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService handshakes = Executors.newCachedThreadPool();
    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private final TransportRig.Recording ours = new TransportRig.Recording();
    private final BlockingQueue<Datagram> ice4jMedia = new LinkedBlockingQueue<>();
    private UdpMux mux;
    private PeerTransport transport;
    private Agent agent;
    private DtlsSession client;

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            try {
                if (agent != null) agent.free(); // closes its sockets, which ends the reader
            } finally {
                try {
                    if (transport != null) loop.submit(transport::close).get(5, TimeUnit.SECONDS);
                } finally {
                    reader.shutdownNow();
                    loop.shutdownNow();
                    handshakes.shutdownNow();
                    if (mux != null) mux.close();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bothAgentsSelectTheSamePairAndSrtpFlowsBothWaysOnIt(Mode mode) throws Exception {
        Component c = open(mode, null);
        InetSocketAddress ice4jAddr = ice4jAddress(c);
        InetSocketAddress oursAddr = new InetSocketAddress(TransportRig.LO, transport.localPort());
        long t0 = System.nanoTime();
        agent.startConnectivityEstablishment();
        boolean done = waitFor(ICE_TIMEOUT_MS, () -> ice4jDone() && weSelected(mode, ice4jAddr));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PacketPath ourPath = onLoop(transport::path);
        assertTrue(done, "ice4j state " + agent.getState() + ", ice4j pair " + c.getSelectedPair()
                + ", our path " + (ourPath == null ? null : ourPath.remote()) + " after " + ms + " ms");
        log.info("ice4j interop mode={} selectedMs={} pair={}", mode, ms, c.getSelectedPair().toShortString());

        CandidatePair pair = c.getSelectedPair();
        assertEquals(ice4jAddr, plain(pair.getLocalCandidate().getTransportAddress()), "ice4j's local end");
        assertEquals(oursAddr, plain(pair.getRemoteCandidate().getTransportAddress()), "ice4j's remote end is our port");
        assertEquals(ice4jAddr, onLoop(() -> transport.path().remote()), "our media path is ice4j's socket");
        if (mode != Mode.LITE) {
            assertEquals(ice4jAddr, onLoop(() -> transport.checklist().selectedRemote()), "our checklist's selected pair");
        }
        srtpBothWays(c.getSocket(), oursAddr);
    }

    /**
     * ice4j signs its checks with a wrong password and we do not know its address from SDP: our agent must
     * drop them (RFC 8445 7.3: MESSAGE-INTEGRITY fails) without validating the address, learning a
     * peer-reflexive pair or binding a route, for the whole watch.
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"FULL_CONTROLLED_PEER_REFLEXIVE", "LITE"})
    void checksSignedWithAWrongPasswordGetNoPairValidated(Mode mode) throws Exception {
        Component c = open(mode, "0123456789abcdefghijkl");
        InetSocketAddress ice4jAddr = ice4jAddress(c);
        agent.startConnectivityEstablishment();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFUSED_WATCH_MS);
        while (System.nanoTime() < end) {
            assertNull(onLoop(transport::path), "no path to an unauthenticated source");
            assertEquals(0, mux.addressRoutes(), "no route bound for an unauthenticated source");
            if (mode != Mode.LITE) {
                assertEquals(0, (int) onLoop(() -> transport.checklist().pairCount()), "no peer-reflexive pair");
            }
            assertFalse(ice4jDone(), "ice4j completed with a wrong password");
            Thread.sleep(20);
        }
        // the checks were sent (and not answered with success): the refusal above is ours
        CandidatePair pair = agent.findCandidatePair(
                c.getLocalCandidates().get(0).getTransportAddress(),
                new TransportAddress(TransportRig.LO, transport.localPort(), Transport.UDP));
        assertNotNull(pair, "ice4j paired its socket with our port");
        CandidatePairState st = pair.getState();
        assertTrue(st == CandidatePairState.IN_PROGRESS || st == CandidatePairState.FAILED, "ice4j's pair is " + st);
        assertFalse(ours.connected.isDone());
        log.info("ice4j interop refused mode={} ice4jState={} pair={} from={}", mode, agent.getState(), st, ice4jAddr);
    }

    /**
     * Our transport, and a controlling ice4j agent that knows our credentials (or {@code wrongPwd}) and
     * our host candidate; ours gets ice4j's credentials and, in FULL_CONTROLLED, its candidate.
     */
    private Component open(Mode mode, String wrongPwd) throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, TransportRig.LO)) {
            port = probe.getLocalPort();
        }
        mux = new UdpMux(List.of(TransportRig.LO), port, port);
        IceRole role = mode == Mode.LITE ? IceRole.lite() : IceRole.full(false, 42);
        transport = new PeerTransport("ice4j:" + mode, mux, null, loop::execute, handshakes, SERVER_ID, ours, role,
                (r, ms) -> loop.schedule(r, ms, TimeUnit.MILLISECONDS));

        agent = new Agent();
        agent.setControlling(true);
        agent.setUseDynamicPorts(false); // only the harvesters added here (no interface scan)
        agent.addCandidateHarvester(new Ice4jLoopbackHarvester());
        IceMediaStream stream = agent.createMediaStream("audio");
        Component c = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
        stream.setRemoteUfrag(transport.localIce().ufrag());
        stream.setRemotePassword(wrongPwd != null ? wrongPwd : transport.localIce().pwd());
        c.addRemoteCandidate(new RemoteCandidate(
                new TransportAddress(TransportRig.LO, transport.localPort(), Transport.UDP), c,
                CandidateType.HOST_CANDIDATE, "1", 2130706431L, null));

        String line = "candidate:1 1 udp 2130706431 " + TransportRig.LO.getHostAddress() + " "
                + ice4jAddress(c).getPort() + " typ host";
        onLoop(() -> {
            transport.setRemote(agent.getLocalUfrag(), agent.getLocalPassword(), CLIENT_ID.fingerprintSha256());
            if (mode == Mode.FULL_CONTROLLED) {
                assertEquals(1, transport.addRemoteCandidate(line));
            }
            return null;
        });
        return c;
    }

    /** DTLS (ice4j's side is the client) over ice4j's component socket, then one SRTP packet each way. */
    private void srtpBothWays(MultiplexingDatagramSocket sock, InetSocketAddress oursAddr) throws Exception {
        sock.setSoTimeout(200);
        reader.execute(() -> readIce4jSocket(sock));
        KeyingListener keying = new KeyingListener((b, off, len) -> sock.send(new DatagramPacket(b, off, len, oursAddr)));
        client = new DtlsSession(CLIENT_ID, true, transport.fingerprint(), keying, handshakes,
                DtlsSession.Options.defaults().withHandshakeTimeoutMs(10_000));
        client.start();
        SrtpProfile profile = keying.profile.get(15, TimeUnit.SECONDS);
        ours.awaitConnected(5000);
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(profile, keying.keyingMaterial.get(), true);
        SrtpSession up = keys.newSender();
        SrtpSession down = keys.newReceiver();

        byte[] rtp = TransportRig.rtp(0x1ce4_0001, 1, 120);
        byte[] wire = Arrays.copyOf(rtp, rtp.length + PeerTransport.TAG_ROOM);
        int n = up.protectRtp(wire, 0, rtp.length);
        sock.send(new DatagramPacket(wire, 0, n, oursAddr));
        assertArrayEquals(rtp, ours.rtp.poll(5, TimeUnit.SECONDS), "our transport decrypted ice4j's SRTP");

        byte[] media = TransportRig.rtp(0x0005_f00d, 7, 200);
        byte[] buf = Arrays.copyOf(media, media.length + PeerTransport.TAG_ROOM);
        onLoop(() -> { transport.sendRtp(buf, 0, media.length, 7); return null; });
        Datagram got = awaitRtp();
        assertEquals(oursAddr, got.from(), "our SRTP left from the selected pair's port");
        int m = down.unprotectRtp(got.data(), 0, got.data().length);
        assertArrayEquals(media, Arrays.copyOf(got.data(), Math.max(m, 0)), "ice4j's side decrypted our SRTP");
    }

    /** What ice4j's component socket delivers (it passes only authorized sources): DTLS to the client, RTP queued. */
    private void readIce4jSocket(MultiplexingDatagramSocket sock) {
        byte[] b = new byte[2048];
        while (!sock.isClosed() && !Thread.currentThread().isInterrupted()) {
            DatagramPacket in = new DatagramPacket(b, b.length);
            try {
                sock.receive(in);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            byte[] d = Arrays.copyOfRange(in.getData(), in.getOffset(), in.getOffset() + in.getLength());
            switch (PacketClass.of(d, 0, d.length)) {
                case DTLS -> client.receive(d, 0, d.length);
                case RTP -> ice4jMedia.add(new Datagram(d, (InetSocketAddress) in.getSocketAddress()));
                default -> { }
            }
        }
    }

    private Datagram awaitRtp() throws InterruptedException {
        Datagram d = ice4jMedia.poll(5, TimeUnit.SECONDS);
        if (d == null) fail("no SRTP from our transport on ice4j's socket");
        return d;
    }

    private boolean ice4jDone() {
        IceProcessingState s = agent.getState();
        return s == IceProcessingState.COMPLETED || s == IceProcessingState.TERMINATED;
    }

    private boolean weSelected(Mode mode, InetSocketAddress ice4jAddr) throws Exception {
        return onLoop(() -> {
            PacketPath p = transport.path();
            boolean path = p != null && ice4jAddr.equals(p.remote());
            return mode == Mode.LITE ? path : path && ice4jAddr.equals(transport.checklist().selectedRemote());
        });
    }

    private static InetSocketAddress ice4jAddress(Component c) {
        return plain(c.getLocalCandidates().get(0).getTransportAddress());
    }

    private static InetSocketAddress plain(TransportAddress a) {
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    private static boolean waitFor(long timeoutMs, Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < end) {
            if (c.call()) return true;
            Thread.sleep(10);
        }
        return c.call();
    }
}
