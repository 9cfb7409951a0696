package org.jsfu.core.transport;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.ice.StunTransactionRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTC UDP sockets (the port range, or one port) shared by every peer connection of this node.
 * One receive thread selects over all of them; a datagram is routed first by the STUN USERNAME's
 * local ufrag (for connectivity checks), then by its source address once ICE validated that address
 * for a transport. Nothing is created for a datagram that matches neither: unknown traffic is dropped.
 *
 * <p>With bind addresses, each port is bound once per address (one {@link Socket} each), so a reply
 * leaves from the exact address the peer sent to: RFC 8445 7.2.5.2.1 makes a check fail when the
 * response's source differs from the request's destination, and a wildcard socket lets the kernel
 * pick the source by route (a check sent to 127.0.0.1 from 192.0.2.2 is answered from 192.0.2.2).
 */
public final class UdpMux implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpMux.class);
    public static final int MAX_DATAGRAM = 1500;
    /** Per sending thread (loops, DTLS handshake threads): room for any datagram we build. */
    private static final ThreadLocal<ByteBuffer> SEND_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_DATAGRAM + PeerTransport.TAG_ROOM + 512));
    /** Receive buffers in flight at most (queued on loops or being handled): about 12 MB. */
    static final int POOL_SIZE = 8192;

    /** One bound socket with its address-to-transport routes. */
    public static final class Socket {
        /** The NIO channel, or null on the epoll backend. */
        final DatagramChannel channel;
        /** The epoll channel ({@link EpollUdp}), or null on the NIO backend; set before it is bound. */
        volatile io.netty.channel.Channel netty;
        final InetAddress local;
        int port;
        final Map<InetSocketAddress, UdpPath> byAddress = new ConcurrentHashMap<>();
        /**
         * The IPv4 NIO socket's file descriptor when loops batch their sends with {@code sendmmsg}
         * ({@link NativeSend}), else -1. Set to -1 under {@link #sendLock}'s write lock before the
         * channel closes, so a batch never sends on a descriptor number the kernel may have reused.
         */
        volatile int fd = -1;
        final java.util.concurrent.locks.StampedLock sendLock = new java.util.concurrent.locks.StampedLock();

        Socket(DatagramChannel channel, InetAddress local, int port) {
            this.channel = channel;
            this.local = local;
            this.port = port;
        }

        public int port() {
            return port;
        }

        /** The bound address; null for the wildcard. */
        public InetAddress localAddress() {
            return local;
        }

        /**
         * Sends one datagram; safe from any thread (DatagramChannel serialises sends). The bytes are
         * copied into the calling thread's direct buffer (what the channel would do with a heap
         * buffer anyway), so nothing is allocated per datagram.
         */
        public void send(byte[] b, int off, int len, InetSocketAddress to) {
            io.netty.channel.Channel n = netty;
            if (n != null) {
                EpollUdp.sendNow(n, b, off, len, to);
                return;
            }
            ByteBuffer out = SEND_BUFFER.get();
            if (len <= out.capacity()) {
                out.clear();
                out.put(b, off, len).flip();
            } else {
                out = ByteBuffer.wrap(b, off, len); // never for media: larger than any datagram we build
            }
            try {
                channel.send(out, to);
            } catch (IOException | UnsupportedAddressTypeException e) {
                // the latter: an IPv6 remote (e.g. a client's candidate) on an IPv4 socket; unreachable from it
                log.debug("udp send failed to={} err={}", to, e.toString());
            }
        }
    }

    /** A UDP socket and one remote address: the path of a validated UDP candidate pair. */
    static final class UdpPath implements PacketPath {
        final Socket socket;
        final InetSocketAddress remote;
        final PeerTransport transport;
        /** The remote IPv4 address as an int, first octet highest ({@link MmsgBatch#add}); see {@link #v4}. */
        final int ipv4;
        /** True when the remote is an IPv4 address (a {@code sockaddr_in}). */
        final boolean v4;
        /** The remote port, read once (not through the address's holder per datagram). */
        final int port;

        UdpPath(Socket socket, InetSocketAddress remote, PeerTransport transport) {
            this.socket = socket;
            this.remote = remote;
            this.transport = transport;
            InetAddress a = remote.getAddress();
            this.v4 = a instanceof Inet4Address;
            this.ipv4 = v4 ? ByteBuffer.wrap(a.getAddress()).getInt() : 0;
            this.port = remote.getPort();
        }

        @Override
        public InetSocketAddress remote() {
            return remote;
        }

        @Override
        public void send(byte[] b, int off, int len) {
            socket.send(b, off, len, remote);
        }

        @Override
        public String protocol() {
            return "udp";
        }

        /**
         * On a loop that is draining its inbox (else both batches are null): queues the datagram on
         * {@code batch} when this socket is on the epoll backend, or on {@code mmsg} when it is an IPv4
         * NIO socket with a descriptor ({@link NativeSend}): sent with the loop's other datagrams in one
         * {@code sendmmsg}. Otherwise sends it now.
         */
        void send(byte[] b, int off, int len, SendBatch batch, MmsgBatch mmsg) {
            io.netty.channel.Channel n = socket.netty;
            if (n != null && batch != null) {
                batch.add(n, b, off, len, remote);
            } else if (mmsg != null && v4 && socket.fd >= 0) {
                if (!mmsg.add(socket, b, off, len, ipv4, port)) {
                    mmsg.flush(); // larger than a slot (never media): keep the order, send it alone
                    socket.send(b, off, len, remote);
                }
            } else {
                socket.send(b, off, len, remote);
            }
        }

        /** Called by the transport once ICE validated this address: later datagrams route by it. */
        void bind() {
            socket.byAddress.put(remote, this);
        }

        /** Called by the transport when it forgets this path: its address no longer routes to it. */
        void unbind() {
            socket.byAddress.remove(remote, this);
        }
    }

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Map<String, PeerTransport> byUfrag = new ConcurrentHashMap<>();
    /** Full ICE: responses to our checks carry no USERNAME; they route by transaction id. */
    private final StunTransactionRoutes<PeerTransport> responses = new StunTransactionRoutes<>(4096, 10_000,
            StunTransactionRoutes.ROUTES_PER_AGENT);
    /** The NIO backend's selector and receive thread; null on the epoll backend. */
    private final Selector selector;
    private final Thread receiver;
    private final EpollUdp epoll;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    /** Sockets on which {@link NativeSend#dontFragment} failed while binding (constructor only). */
    private int dontFragmentRefused;
    private final ReceivePool pool = new ReceivePool(POOL_SIZE);

    /** Binds every port of [portStart, portEnd] on {@code bindAddress} (null = wildcard). */
    public UdpMux(InetAddress bindAddress, int portStart, int portEnd) throws IOException {
        this(bindAddress == null ? List.of() : List.of(bindAddress), portStart, portEnd);
    }

    /**
     * Binds every port of [portStart, portEnd] once on each of {@code bindAddresses} (empty = once on
     * the wildcard). A port that cannot be bound on every address is skipped with a warning (its
     * candidates would be dead on the others); at least one port must bind.
     */
    public UdpMux(List<InetAddress> bindAddresses, int portStart, int portEnd) throws IOException {
        if (portStart <= 0 || portEnd < portStart || portEnd > 65535) {
            throw new IllegalArgumentException("invalid rtc port range " + portStart + "-" + portEnd);
        }
        List<InetAddress> binds = bindAddresses.isEmpty() ? java.util.Collections.singletonList(null)
                : List.copyOf(bindAddresses);
        epoll = EpollUdp.enabled() ? new EpollUdp(this) : null;
        selector = epoll == null ? Selector.open() : null;
        for (int port = portStart; port <= portEnd; port++) {
            List<Socket> group = new ArrayList<>();
            try {
                for (InetAddress a : binds) {
                    group.add(open(a, port));
                }
            } catch (IOException e) {
                for (Socket g : group) {
                    closeSocket(g);
                }
                log.warn("rtc udp port unavailable port={} err={}", port, e.toString());
                continue;
            }
            for (Socket g : group) {
                if (selector != null) {
                    g.channel.register(selector, SelectionKey.OP_READ, g);
                }
                sockets.add(g);
            }
            ports.add(port);
        }
        if (sockets.isEmpty()) {
            if (selector != null) {
                selector.close();
            } else {
                epoll.close();
            }
            throw new IOException("no rtc udp port could be bound in " + portStart + "-" + portEnd);
        }
        if (selector != null) {
            receiver = new Thread(this::receiveLoop, "rtc-udp-recv");
            receiver.setDaemon(true);
            receiver.start();
        } else {
            receiver = null;
        }
        if (dontFragmentRefused > 0) {
            log.warn("rtc udp could not set dont-fragment sockets={}", dontFragmentRefused);
        }
        log.info("rtc udp listening ports={}-{} bound={} addresses={} io={}", portStart, portEnd, ports.size(),
                bindAddresses.isEmpty() ? "wildcard" : bindAddresses, epoll != null ? "epoll" : "nio");
    }

    /** True when the sockets run on Netty's epoll transport (recvmmsg/sendmmsg), false on NIO. */
    public boolean epoll() {
        return epoll != null;
    }

    private Socket open(InetAddress address, int port) throws IOException {
        if (epoll != null) {
            Socket s = new Socket(null, address, port);
            epoll.open(s, address, port);
            return s;
        }
        // An IPv4 address gets an IPv4 socket: a dual-stack one would send every datagram through the
        // kernel's IPv6 entry point (udpv6_sendmsg) with a v4-mapped destination.
        DatagramChannel ch = address instanceof Inet4Address ? DatagramChannel.open(StandardProtocolFamily.INET)
                : DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.bind(new InetSocketAddress(address, port));
            ch.configureBlocking(false);
            Socket s = new Socket(ch, address, ((InetSocketAddress) ch.getLocalAddress()).getPort());
            s.fd = address instanceof Inet4Address ? NativeSend.fd(ch) : -1; // sockaddr_in only on an IPv4 socket
            if (s.fd >= 0 && !NativeSend.dontFragment(s.fd)) {
                dontFragmentRefused++; // logged once, after all ports
            }
            return s;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Picks the port a new peer connection will use (round robin over the range). */
    public int assignPort() {
        return ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
    }

    /**
     * The port for a peer connection of {@code inbox}'s loop: the same for all of that loop's subscriber PCs
     * ({@code offerer}) and the same for all its publisher PCs, the two next to each other in the range, and
     * the loops spread over it. A loop's {@code sendmmsg} batch holds one socket's datagrams, so a room's fan-out
     * that left through a port per subscriber made one system call per datagram (BENCHMARKS.md, session 11).
     */
    public int loopPort(LoopInbox inbox, boolean offerer) {
        return ports.get(Math.floorMod(2 * inbox.id() + (offerer ? 1 : 0), ports.size()));
    }

    public List<Socket> sockets() {
        return List.copyOf(sockets);
    }

    public void registerUfrag(String localUfrag, PeerTransport t) {
        byUfrag.put(localUfrag, t);
    }

    /** Drops only the ufrag route of {@code t} (an ICE restart replaced it); its other routes stay. */
    public void forgetUfrag(String localUfrag, PeerTransport t) {
        byUfrag.remove(localUfrag, t);
    }

    /** Full ICE: a check of {@code t} left with transaction id {@code id}; route its response to {@code t}. */
    void expectResponse(byte[] id, PeerTransport t) {
        responses.put(id, t, System.nanoTime() / 1_000_000);
    }

    /** Removes every route to {@code t}. */
    public void unregister(String localUfrag, PeerTransport t) {
        byUfrag.remove(localUfrag, t);
        responses.removeTarget(t);
        for (Socket s : sockets) {
            s.byAddress.values().removeIf(v -> v.transport == t);
        }
    }

    /** The receive buffers datagrams travel in to the loops. */
    ReceivePool pool() {
        return pool;
    }

    /** Receive buffers created so far (bounded by the pool size); for tests and metrics. */
    public int receiveBuffers() {
        return pool.created();
    }

    /** Receive buffers queued on loops or being handled (0 when idle: each one goes back to the pool); for tests and metrics. */
    public int receiveBuffersInFlight() {
        return Math.max(0, pool.created() - pool.free());
    }

    public long droppedDatagrams() {
        return dropped.get();
    }

    /** Routes by remote address over all sockets (one per ICE-validated address); for tests and metrics. */
    public int addressRoutes() {
        int n = 0;
        for (Socket s : sockets) {
            n += s.byAddress.size();
        }
        return n;
    }

    /** Routes by remote address on the sockets of {@code port} (peers validated there); for tests and metrics. */
    public int addressRoutes(int port) {
        int n = 0;
        for (Socket s : sockets) {
            if (s.port == port) {
                n += s.byAddress.size();
            }
        }
        return n;
    }

    /** Registered local ufrags (one per live peer connection); for tests and metrics. */
    public int ufragRoutes() {
        return byUfrag.size();
    }

    /** Full ICE: routes by STUN transaction id awaiting a response (expire after 10 s); for tests and metrics. */
    public int transactionRoutes() {
        return responses.size();
    }

    private void receiveLoop() {
        ByteBuffer discard = ByteBuffer.allocate(MAX_DATAGRAM);
        java.util.function.Consumer<SelectionKey> ready = k -> drainQuietly((Socket) k.attachment(), discard);
        while (!closed) {
            selectOnce(ready);
        }
    }

    /**
     * One wait for readable sockets, each drained by {@code ready} (the selector's action form: no selected-key
     * set to fill, iterate and empty). A method of its own, so that the JIT compiles it after a few thousand
     * wake-ups; the loop above makes one iteration per wake-up, too few for an on-stack compilation for
     * minutes, and ran interpreted (11% of this thread's time, session 14).
     */
    private void selectOnce(java.util.function.Consumer<SelectionKey> ready) {
        try {
            selector.select(ready, 500);
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.warn("rtc udp receive error err={}", e.toString());
            }
        }
    }

    private void drainQuietly(Socket s, ByteBuffer discard) {
        try {
            drain(s, discard);
        } catch (IOException e) {
            if (!closed) {
                log.warn("rtc udp receive error port={} err={}", s.port, e.toString());
            }
        }
    }

    /**
     * Reads up to 64 datagrams of one socket, each into a pooled buffer, and queues each on its
     * transport's loop; a datagram that matches no route goes back to the pool at once.
     */
    private void drain(Socket s, ByteBuffer discard) throws IOException {
        for (int i = 0; i < 64; i++) {
            ReceivedDatagram d = pool.take();
            if (d == null) {
                // every buffer is queued on a loop: read and drop, as a full socket buffer would
                if (s.channel.receive(discard.clear()) == null) {
                    return;
                }
                dropped.incrementAndGet();
                continue;
            }
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) s.channel.receive(d.view.clear());
            } catch (IOException | RuntimeException e) {
                pool.release(d);
                throw e;
            }
            if (from == null) {
                pool.release(d);
                return;
            }
            route(s, from, d, d.view.position());
        }
    }

    /**
     * The receive thread (either backend): queues datagram {@code d} ({@code len} bytes from {@code from}
     * on {@code s}) on its transport's loop, routed by validated address, else by the STUN USERNAME's
     * local ufrag; anything else goes back to the pool and counts as dropped.
     */
    void route(Socket s, InetSocketAddress from, ReceivedDatagram d, int len) {
        byte[] b = d.buf;
        UdpPath path = s.byAddress.get(from);
        if (path == null && PacketClass.of(b, 0, len) == PacketClass.STUN) {
            String ufrag = StunMessage.localUfrag(b, 0, len);
            PeerTransport t = ufrag != null ? byUfrag.get(ufrag)
                    : responses.take(b, 0, len, System.nanoTime() / 1_000_000); // full ICE: our check's answer
            if (t != null) {
                path = new UdpPath(s, from, t); // a check (or a response) from a new address: not yet bound
            }
        }
        if (path == null) {
            pool.release(d);
            dropped.incrementAndGet();
            return;
        }
        d.len = len;
        d.path = path;
        d.nanos = System.nanoTime();
        path.transport.enqueue(d);
    }

    void countDropped() {
        dropped.incrementAndGet();
    }

    void receiveError(Throwable e) {
        if (!closed) {
            log.warn("rtc udp receive error err={}", e.toString());
        }
    }

    private void closeSocket(Socket s) {
        try {
            long stamp = s.sendLock.writeLock(); // waits for a loop's sendmmsg on this fd to return
            s.fd = -1;
            s.sendLock.unlockWrite(stamp);
            if (s.channel != null) {
                s.channel.close();
            }
            io.netty.channel.Channel n = s.netty;
            if (n != null) {
                EpollUdp.close(n);
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        if (selector == null) {
            for (Socket s : sockets) {
                closeSocket(s);
            }
            epoll.close();
            return;
        }
        try {
            selector.wakeup();
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : sockets) {
            closeSocket(s);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
