package org.jsfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.ice.StunMessage;

/**
 * The set-up the PeerTransport tests share: one transport on a single-port loopback {@link UdpMux},
 * its loop and DTLS handshake pool, and a plain UDP socket that plays the browser.
 */
final class TransportRig implements AutoCloseable {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    final UdpMux mux;
    final ExecutorService loop = Executors.newSingleThreadExecutor();
    final ExecutorService handshakes = Executors.newCachedThreadPool();
    final PeerTransport transport;
    final DatagramSocket browser;

    TransportRig(String name, DtlsIdentity identity, PeerTransport.Listener listener, int browserTimeoutMs)
            throws IOException {
        this(name, identity, listener, browserTimeoutMs, LO);
    }

    /** As above, the mux's port bound on {@code bind} (127.0.0.1 above; 0.0.0.0 for a NATed node's wildcard). */
    TransportRig(String name, DtlsIdentity identity, PeerTransport.Listener listener, int browserTimeoutMs,
            InetAddress bind) throws IOException {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) { // the wildcard: free on 127.0.0.1 and on 0.0.0.0
            port = probe.getLocalPort();
        }
        mux = new UdpMux(List.of(bind), port, port);
        transport = new PeerTransport(name, mux, loop, handshakes, identity, listener);
        browser = new DatagramSocket(new InetSocketAddress(LO, 0));
        browser.setSoTimeout(browserTimeoutMs);
    }

    /**
     * The browser's ICE check: a signed Binding request (RFC 8445 7.2.2) to the transport's port, and its
     * success response awaited (3 s), which validates the browser socket's address for the transport.
     */
    void browserCheck(boolean useCandidate) throws Exception {
        byte[] tid = new byte[12];
        tid[0] = 1;
        byte[] b = new byte[300];
        int n = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                .username(transport.localIce().ufrag() + ":peer").priority(2130706431L).iceControlling(7)
                .useCandidate(useCandidate)
                .encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(transport.localIce().pwd())), true);
        browser.send(new DatagramPacket(b, n, new InetSocketAddress(LO, transport.localPort())));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        int timeout = browser.getSoTimeout();
        browser.setSoTimeout(3000);
        try {
            browser.receive(in);
        } finally {
            browser.setSoTimeout(timeout);
        }
        StunMessage resp = StunMessage.parse(Arrays.copyOf(in.getData(), in.getLength()), 0, in.getLength());
        if (resp == null || resp.type() != StunMessage.BINDING_SUCCESS) {
            throw new AssertionError("no Binding success for the browser's check");
        }
    }

    @Override
    public void close() throws Exception {
        loop.submit(transport::close).get(5, TimeUnit.SECONDS);
        loop.shutdownNow();
        handshakes.shutdownNow();
        mux.close();
        browser.close();
    }

    /** A listener that records what the transport reports: connection, failure, decrypted RTP and RTCP. */
    static final class Recording implements PeerTransport.Listener {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<String> failed = new CompletableFuture<>();
        final LinkedBlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();

        /** Waits for the connection; a failure reported first fails with its reason. */
        void awaitConnected(long timeoutMs) throws Exception {
            CompletableFuture.anyOf(connected, failed).get(timeoutMs, TimeUnit.MILLISECONDS);
            if (failed.isDone()) {
                throw new AssertionError("transport failed: " + failed.join());
            }
        }

        @Override
        public void onConnected(PeerTransport t) {
            connected.complete(null);
        }

        @Override
        public void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
            rtp.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
            rtcp.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void onApplicationData(PeerTransport t, byte[] b, int off, int len) {
        }

        @Override
        public void onFailed(PeerTransport t, String reason) {
            failed.complete(reason);
        }
    }

    /** A plain RTP packet (RFC 3550 5.1): version 2, payload type 111, {@code seq}, {@code ssrc}, a payload that depends on both. */
    static byte[] rtp(int ssrc, int seq, int payloadLen) {
        byte[] b = new byte[12 + payloadLen];
        b[0] = (byte) 0x80;
        b[1] = 111;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        for (int i = 12; i < b.length; i++) b[i] = (byte) (seq * 7 + i);
        return b;
    }
}
