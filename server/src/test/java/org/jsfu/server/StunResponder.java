package org.jsfu.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.server.testparts.FreePorts;

/**
 * Stands in for a public STUN server behind which the test pretends to be NATed: on 127.0.0.1, it answers
 * each Binding request with a success response whose XOR-MAPPED-ADDRESS is {@code mapped}, not the
 * request's source, so a test can tell the address a STUN server reports from this machine's own. With
 * {@code strayFirst}, each answer is preceded by a success response of another transaction (which the
 * client must ignore); with {@code error}, it answers 400 Bad Request instead; with {@code silent}, nothing.
 */
final class StunResponder implements AutoCloseable {
    enum Mode { ANSWER, STRAY_FIRST, ERROR, SILENT }

    private final DatagramSocket socket;
    private final InetSocketAddress mapped;
    private final Mode mode;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread thread;

    StunResponder(InetSocketAddress mapped, Mode mode) throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(FreePorts.LOOPBACK, 0));
        this.mapped = mapped;
        this.mode = mode;
        this.thread = new Thread(this::run, "stun-responder");
        thread.setDaemon(true);
        thread.start();
    }

    /** "127.0.0.1:port", as rtc.stun_servers lists a server. */
    String server() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Binding requests received so far. */
    int requests() {
        return requests.get();
    }

    private void run() {
        byte[] in = new byte[1500];
        byte[] out = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                socket.receive(p);
                StunMessage req = StunMessage.parse(in, 0, p.getLength());
                if (req == null || !req.isBindingRequest()) {
                    continue;
                }
                requests.incrementAndGet();
                if (mode == Mode.SILENT) {
                    continue;
                }
                if (mode == Mode.STRAY_FIRST) {
                    byte[] other = req.transactionId();
                    other[0] ^= 1;
                    send(new StunMessage(StunMessage.BINDING_SUCCESS, other)
                            .xorMappedAddress(new InetSocketAddress("198.51.100.66", 1)), out, p);
                }
                StunMessage answer = mode == Mode.ERROR
                        ? new StunMessage(StunMessage.BINDING_ERROR, req.transactionId()).error(400, "Bad Request")
                        : new StunMessage(StunMessage.BINDING_SUCCESS, req.transactionId()).xorMappedAddress(mapped);
                send(answer, out, p);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void send(StunMessage m, byte[] out, DatagramPacket to) throws IOException {
        int n = m.software("test responder").encode(out, 0, null, true);
        socket.send(new DatagramPacket(out, n, to.getSocketAddress()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
