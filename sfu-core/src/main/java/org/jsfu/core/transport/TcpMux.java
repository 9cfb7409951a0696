package org.jsfu.core.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jsfu.core.ice.IceTcpFraming;
import org.jsfu.core.ice.StunMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ICE-TCP listener (RFC 6544): the server's passive TCP host candidates on rtc.tcp_port. Every
 * packet on a connection is framed with a 16-bit length (RFC 6544 3, RFC 4571 2).
 *
 * <p>A new connection is anonymous and holds only a small frame decoder. Its first frame must be a
 * STUN Binding request whose USERNAME starts with the local ufrag of a registered
 * {@link PeerTransport}; anything else (another packet type, an unknown ufrag, a frame longer than
 * {@link UdpMux#MAX_DATAGRAM}, no complete frame within {@link #handshakeTimeoutMs}) closes the
 * connection and nothing is kept. The transport then authenticates the check (RFC 8445 7.3) and
 * closes the connection if it fails. Frames go to the transport through the same
 * {@link PeerTransport#post} path as UDP datagrams, with the connection as the {@link PacketPath}
 * to answer on.
 *
 * <p>One selector thread accepts, reads and flushes. Writes come from any thread: a frame is
 * appended to the connection's bounded write buffer and written at once with a non-blocking write;
 * what the kernel does not take waits for OP_WRITE. A full buffer drops the frame (a slow client
 * loses packets, the loop never waits).
 */
public final class TcpMux implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpMux.class);
    /** Write buffer per validated connection: ~170 full-size packets. */
    static final int WRITE_BUFFER = 256 * 1024;
    /** Connections that have not yet sent their first frame. */
    static final int MAX_PENDING = 256;
    /** Connections bound to one transport (Chrome opens one per remote candidate pair). */
    static final int MAX_PER_TRANSPORT = 8;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final Map<String, PeerTransport> byUfrag = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Connection> wantWrite = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuf = ByteBuffer.allocate(16 * 1024);
    private final long handshakeTimeoutMs;
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong droppedFrames = new AtomicLong();
    private volatile boolean closed;
    private long lastExpiryMs;

    /** One accepted connection; a {@link PacketPath} once bound to a transport. */
    public final class Connection implements PacketPath {
        final SocketChannel channel;
        final InetSocketAddress remote;
        final long acceptedMs;
        final IceTcpFraming.Decoder decoder = new IceTcpFraming.Decoder(UdpMux.MAX_DATAGRAM);
        final IceTcpFraming.FrameSink sink = (b, off, len) -> onFrame(this, b, off, len);
        SelectionKey key;
        /** Set on the selector thread by the first frame. */
        volatile PeerTransport transport;
        /** Set on the transport's loop once ICE authenticated a check on this connection. */
        volatile boolean validated;
        private ByteBuffer out; // write mode; guarded by this
        private boolean writeArmed; // guarded by this
        private volatile boolean open = true;

        Connection(SocketChannel channel, InetSocketAddress remote, long acceptedMs) {
            this.channel = channel;
            this.remote = remote;
            this.acceptedMs = acceptedMs;
        }

        @Override
        public InetSocketAddress remote() {
            return remote;
        }

        @Override
        public String protocol() {
            return "tcp";
        }

        /** Frames and queues one packet (RFC 4571 2); never blocks, drops when the buffer is full. */
        @Override
        public void send(byte[] b, int off, int len) {
            if (len <= 0 || len > IceTcpFraming.MAX_FRAME) {
                return;
            }
            boolean arm = false;
            synchronized (this) {
                if (!open || out == null) {
                    return;
                }
                if (out.remaining() < len + 2) {
                    droppedFrames.incrementAndGet();
                    return;
                }
                out.putShort((short) len).put(b, off, len);
                if (!writeArmed) {
                    if (!flushLocked()) {
                        return;
                    }
                    if (out.position() > 0) {
                        writeArmed = true;
                        arm = true;
                    }
                }
            }
            if (arm) {
                wantWrite.add(this);
                selector.wakeup();
            }
        }

        /** Writes what the kernel takes; false if the connection failed (then it is closed). */
        private boolean flushLocked() {
            out.flip();
            try {
                channel.write(out);
            } catch (IOException e) {
                close(); // reentrant: the caller holds this lock; the buffer is never used again
                return false;
            } finally {
                out.compact();
            }
            return true;
        }

        /** Selector thread, OP_WRITE ready. */
        void onWritable() {
            synchronized (this) {
                if (!open || !flushLocked()) {
                    return;
                }
                if (out.position() == 0) {
                    writeArmed = false;
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        }

        /** Any thread: closes the socket and forgets the connection; the transport is told on its loop. */
        public void close() {
            synchronized (this) {
                if (!open) {
                    return;
                }
                open = false;
            }
            connections.remove(this);
            try {
                channel.close(); // also cancels the key
            } catch (IOException ignored) {
                // closing
            }
            PeerTransport t = transport;
            if (t != null) {
                t.onPathClosedAnyThread(this);
            }
        }

        boolean isOpen() {
            return open;
        }

        synchronized void allocateWriteBuffer() {
            if (out == null) {
                out = ByteBuffer.allocateDirect(WRITE_BUFFER);
            }
        }
    }

    /** Binds {@code port} on {@code bindAddress} (null = wildcard) and starts the selector thread. */
    public TcpMux(InetAddress bindAddress, int port) throws IOException {
        this(bindAddress, port, 10_000);
    }

    /** @param handshakeTimeoutMs a connection without a valid first frame by then is closed */
    public TcpMux(InetAddress bindAddress, int port, long handshakeTimeoutMs) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid rtc tcp port " + port);
        }
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        selector = Selector.open();
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bindAddress, port), 128);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        thread = new Thread(this::run, "rtc-tcp");
        thread.setDaemon(true);
        thread.start();
        log.info("rtc tcp listening port={}", port());
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    public void registerUfrag(String localUfrag, PeerTransport t) {
        byUfrag.put(localUfrag, t);
    }

    /** Drops only the ufrag route of {@code t} (an ICE restart replaced it); its other routes stay. */
    public void forgetUfrag(String localUfrag, PeerTransport t) {
        byUfrag.remove(localUfrag, t);
    }

    /** Removes the ufrag and closes every connection bound to {@code t}. */
    public void unregister(String localUfrag, PeerTransport t) {
        byUfrag.remove(localUfrag, t);
        for (Connection c : connections) {
            if (c.transport == t) {
                c.close();
            }
        }
    }

    /** Registered local ufrags (one per live peer connection); for tests and metrics. */
    public int ufragRoutes() {
        return byUfrag.size();
    }

    /** Open connections, anonymous or bound. */
    public int connectionCount() {
        return connections.size();
    }

    /** Connections closed for bad input, unknown ufrag, limits or timeout. */
    public long rejectedConnections() {
        return rejected.get();
    }

    /** Frames dropped because a connection's write buffer was full. */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    private void run() {
        while (!closed) {
            try {
                selector.select(500);
                for (Connection c; (c = wantWrite.poll()) != null; ) {
                    if (c.isOpen() && c.key != null && c.key.isValid()) {
                        c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                }
                var keys = selector.selectedKeys();
                for (var it = keys.iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        accept();
                        continue;
                    }
                    Connection c = (Connection) k.attachment();
                    if (k.isWritable()) {
                        c.onWritable();
                    }
                    if (k.isValid() && k.isReadable()) {
                        read(c);
                    }
                }
                long now = System.currentTimeMillis();
                if (now - lastExpiryMs >= 250) {
                    lastExpiryMs = now;
                    expirePending(now);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("rtc tcp error err={}", e.toString());
                }
            }
        }
    }

    private void accept() throws IOException {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            long pending = connections.stream().filter(c -> c.transport == null).count();
            if (pending >= MAX_PENDING) {
                rejected.incrementAndGet();
                ch.close();
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection(ch, (InetSocketAddress) ch.getRemoteAddress(),
                        System.currentTimeMillis());
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                connections.add(c);
            } catch (IOException e) {
                ch.close();
            }
        }
    }

    private void read(Connection c) {
        for (int i = 0; i < 16 && c.isOpen(); i++) {
            readBuf.clear();
            int n;
            try {
                n = c.channel.read(readBuf);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                c.close();
                return;
            }
            if (n == 0) {
                return;
            }
            c.decoder.feed(readBuf.array(), 0, n, c.sink);
            if (c.isOpen() && c.decoder.framesSkipped() > 0) {
                reject(c, "frame too long");
                return;
            }
        }
    }

    private void onFrame(Connection c, byte[] b, int off, int len) {
        if (!c.isOpen()) {
            return;
        }
        PeerTransport t = c.transport;
        if (t == null) {
            PeerTransport owner = firstFrame(b, off, len);
            if (owner == null) {
                reject(c, "first frame is not a check for a known ufrag");
                return;
            }
            long bound = connections.stream().filter(o -> o.transport == owner).count();
            if (bound >= MAX_PER_TRANSPORT) {
                reject(c, "too many connections for the transport");
                return;
            }
            c.allocateWriteBuffer();
            c.transport = owner;
            t = owner;
        } else if (!c.validated && PacketClass.of(b, off, len) != PacketClass.STUN) {
            reject(c, "media before a valid check");
            return;
        }
        t.post(b, off, len, c);
    }

    /** RFC 6544 / RFC 8445 7.3: the first frame must be a Binding request naming a local ufrag. */
    private PeerTransport firstFrame(byte[] b, int off, int len) {
        if (PacketClass.of(b, off, len) != PacketClass.STUN) {
            return null;
        }
        StunMessage m = StunMessage.parse(b, off, len);
        if (m == null || !m.isBindingRequest()) {
            return null;
        }
        String ufrag = StunMessage.localUfrag(b, off, len);
        return ufrag == null ? null : byUfrag.get(ufrag);
    }

    private void reject(Connection c, String why) {
        if (!c.isOpen()) {
            return;
        }
        rejected.incrementAndGet();
        log.debug("rtc tcp connection rejected remote={} reason={}", c.remote, why);
        c.close();
    }

    private void expirePending(long nowMs) {
        for (Connection c : connections) {
            if (c.transport == null && nowMs - c.acceptedMs > handshakeTimeoutMs) {
                reject(c, "no check in time");
            } else if (c.transport != null && !c.validated && nowMs - c.acceptedMs > handshakeTimeoutMs) {
                reject(c, "check not authenticated in time");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
        try {
            server.close();
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
