package org.jsfu.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that receives for every simulated peer connection: in {@link ReceiveMode#BLOCK} a selector
 * over their UDP channels, in {@link ReceiveMode#SPIN} a loop that polls each non-blocking channel in
 * turn and never parks. The datagram is handed to its {@link ClientPeer} in a reused buffer (no
 * allocation per packet).
 */
final class PeerIo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerIo.class);
    /** Room for a whole datagram plus the SRTP trailer a test may append in place. */
    static final int BUFFER = 1500 + 32;

    private final ReceiveMode mode;
    private final Selector selector;
    private final Thread thread;
    /** SPIN only: the peers polled, owned by the receive thread. */
    private ClientPeer[] spinning = new ClientPeer[0];
    private final Queue<ClientPeer> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong unattributed = new AtomicLong();
    private volatile boolean closed;

    PeerIo(ReceiveMode mode) throws IOException {
        this.mode = mode;
        selector = mode == ReceiveMode.BLOCK ? Selector.open() : null;
        thread = new Thread(mode == ReceiveMode.BLOCK ? this::run : this::spin, "sim-udp-recv");
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
        if (selector != null) {
            selector.wakeup();
        }
        return ch;
    }

    long unattributed() {
        return unattributed.get();
    }

    ReceiveMode mode() {
        return mode;
    }

    /** SPIN: receive from each channel until it is empty (at most 64), then the next; never park. */
    private void spin() {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] b = buf.array();
        while (!closed) {
            if (!pending.isEmpty()) {
                adoptPending();
            }
            ClientPeer[] peers = spinning;
            boolean anyClosed = false;
            for (ClientPeer peer : peers) {
                try {
                    for (int i = 0; i < 64; i++) {
                        buf.clear();
                        InetSocketAddress from = (InetSocketAddress) peer.channel.receive(buf);
                        if (from == null) {
                            break;
                        }
                        if (!peer.onDatagram(b, buf.position(), from, System.nanoTime())) {
                            unattributed.incrementAndGet();
                        }
                    }
                } catch (ClosedChannelException e) {
                    anyClosed = true;
                } catch (IOException | RuntimeException e) {
                    if (!closed) {
                        log.warn("sim udp receive error err={}", e.toString());
                    }
                }
            }
            if (anyClosed) {
                spinning = Arrays.stream(spinning).filter(p -> p.channel.isOpen()).toArray(ClientPeer[]::new);
            }
            if (peers.length == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private void adoptPending() {
        List<ClientPeer> all = new ArrayList<>(Arrays.asList(spinning));
        ClientPeer p;
        while ((p = pending.poll()) != null) {
            all.add(p);
        }
        spinning = all.toArray(new ClientPeer[0]);
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
        if (selector != null) {
            selector.wakeup();
        }
        try {
            thread.join(2000);
            if (selector != null) {
                selector.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing
        }
    }
}
