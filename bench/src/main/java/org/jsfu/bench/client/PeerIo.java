package org.jsfu.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that receives for every simulated peer connection: a selector over their UDP channels.
 * The datagram is handed to its {@link ClientPeer} in a reused buffer (no allocation per packet).
 */
final class PeerIo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerIo.class);
    /** Room for a whole datagram plus the SRTP trailer a test may append in place. */
    static final int BUFFER = 1500 + 32;

    private final Selector selector;
    private final Thread thread;
    private final Queue<ClientPeer> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong unattributed = new AtomicLong();
    private volatile boolean closed;

    PeerIo() throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, "sim-udp-recv");
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens a non-blocking channel on 127.0.0.1 (or the wildcard) and registers the peer. */
    DatagramChannel open(ClientPeer peer, InetSocketAddress bind) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(bind);
        ch.configureBlocking(false);
        peer.channel = ch;
        pending.add(peer);
        selector.wakeup();
        return ch;
    }

    long unattributed() {
        return unattributed.get();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] b = buf.array();
        while (!closed) {
            try {
                ClientPeer p;
                while ((p = pending.poll()) != null) {
                    try {
                        p.channel.register(selector, SelectionKey.OP_READ, p);
                    } catch (ClosedChannelException e) {
                        // closed before registration
                    }
                }
                selector.select(200);
                var keys = selector.selectedKeys();
                for (var it = keys.iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    ClientPeer peer = (ClientPeer) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    for (int i = 0; i < 64; i++) {
                        buf.clear();
                        InetSocketAddress from;
                        try {
                            from = (InetSocketAddress) peer.channel.receive(buf);
                        } catch (ClosedChannelException e) {
                            k.cancel();
                            break;
                        }
                        if (from == null) {
                            break;
                        }
                        if (!peer.onDatagram(b, buf.position(), from, System.nanoTime())) {
                            unattributed.incrementAndGet();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("sim udp receive error err={}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing
        }
    }
}
