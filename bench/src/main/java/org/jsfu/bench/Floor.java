package org.jsfu.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * This machine's floor for forwarding small packets, measured in the same run as the load: the
 * cost of one {@code DatagramChannel.send} of 120 bytes on loopback (to a socket nobody waits on, and to
 * one whose receiver blocks in a selector), and of one SRTP protect of a 120-byte RTP packet, per
 * profile. Single sending thread, after a warm-up.
 */
public final class Floor {
    private Floor() {}

    /** Nanoseconds per send of a 120-byte datagram to a bound (non-reading) loopback socket. */
    public static double sendNanos(int count) throws IOException {
        return sendNanos(count, 1);
    }

    /**
     * Nanoseconds per {@code DatagramChannel.send} of a 120-byte datagram (one syscall each) to
     * {@code dests} rotating loopback sockets that are drained outside the timed part.
     */
    public static double sendNanos(int count, int dests) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        DatagramChannel[] sinks = new DatagramChannel[dests];
        try (DatagramChannel src = DatagramChannel.open().bind(new InetSocketAddress(lo, 0))) {
            InetSocketAddress[] to = new InetSocketAddress[dests];
            for (int i = 0; i < dests; i++) {
                sinks[i] = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
                sinks[i].configureBlocking(false);
                to[i] = (InetSocketAddress) sinks[i].getLocalAddress();
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(120);
            ByteBuffer drain = ByteBuffer.allocateDirect(1500);
            double ns = 0;
            for (int round = 0; round < 2; round++) { // warm-up, then measured
                int d = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    buf.clear();
                    src.send(buf, to[d]);
                    d = d + 1 == dests ? 0 : d + 1;
                    if ((i & 63) == 0) {
                        long p = System.nanoTime();
                        for (DatagramChannel s : sinks) {
                            while (s.receive(drain.clear()) != null) { /* not part of the send cost */ }
                        }
                        t0 += System.nanoTime() - p;
                    }
                }
                ns = (System.nanoTime() - t0) / (double) count;
            }
            return ns;
        } finally {
            for (DatagramChannel s : sinks) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /**
     * Nanoseconds per {@code DatagramChannel.send} of a 120-byte datagram to one loopback socket whose
     * receiver thread blocks in a {@code Selector} and drains it on every wake-up, as the bench client's
     * default receive thread does. On loopback the sender delivers the datagram and runs the receiver's
     * wake-up (epoll callback, scheduler), so the difference to {@link #sendNanos(int)} is the wake-up
     * cost a send pays when someone waits on the socket.
     */
    public static double sendToWaitingReceiverNanos(int count) throws IOException, InterruptedException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel src = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             Selector selector = Selector.open()) {
            sink.configureBlocking(false);
            sink.register(selector, SelectionKey.OP_READ);
            InetSocketAddress to = (InetSocketAddress) sink.getLocalAddress();
            AtomicBoolean stop = new AtomicBoolean();
            Thread receiver = new Thread(() -> {
                ByteBuffer drain = ByteBuffer.allocateDirect(1500);
                try {
                    while (!stop.get()) {
                        selector.select(100);
                        selector.selectedKeys().clear();
                        while (sink.receive(drain.clear()) != null) { /* drained on each wake-up */ }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "floor-waiting-receiver");
            receiver.setDaemon(true);
            receiver.start();
            try {
                ByteBuffer buf = ByteBuffer.allocateDirect(120);
                double ns = 0;
                for (int round = 0; round < 2; round++) { // warm-up, then measured
                    long t0 = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        buf.clear();
                        src.send(buf, to);
                    }
                    ns = (System.nanoTime() - t0) / (double) count;
                }
                return ns;
            } finally {
                stop.set(true);
                selector.wakeup();
                receiver.join(2000);
            }
        }
    }

    /**
     * Nanoseconds per datagram when {@code batch} 120-byte datagrams to {@code dests} rotating loopback
     * destinations are written to a Netty epoll {@code DatagramChannel} and flushed once (Netty then
     * sends them with one {@code sendmmsg}); on the channel's event loop, single thread. NaN when the
     * native epoll transport is unavailable.
     */
    public static double sendmmsgNanos(int count, int batch, int dests) throws Exception {
        if (!io.netty.channel.epoll.Epoll.isAvailable()) {
            return Double.NaN;
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.epoll.EpollIoHandler.newFactory());
        DatagramChannel[] sinks = new DatagramChannel[dests];
        try {
            InetSocketAddress[] to = new InetSocketAddress[dests];
            for (int i = 0; i < dests; i++) {
                sinks[i] = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
                sinks[i].configureBlocking(false);
                to[i] = (InetSocketAddress) sinks[i].getLocalAddress();
            }
            io.netty.channel.Channel ch = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.epoll.EpollDatagramChannel.class)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(lo, 0)).sync().channel();
            io.netty.buffer.ByteBuf payload = io.netty.buffer.Unpooled.directBuffer(120).writeZero(120);
            ByteBuffer drain = ByteBuffer.allocateDirect(1500);
            return ch.eventLoop().submit(() -> {
                long spent = 0;
                for (int round = 0; round < 2; round++) { // warm-up, then measured
                    int d = 0;
                    spent = 0;
                    for (int i = 0; i < count; i += batch) {
                        long t0 = System.nanoTime();
                        for (int j = 0; j < batch; j++) {
                            ch.write(new io.netty.channel.socket.DatagramPacket(payload.retainedDuplicate(), to[d]),
                                    ch.voidPromise());
                            d = d + 1 == dests ? 0 : d + 1;
                        }
                        ch.flush();
                        spent += System.nanoTime() - t0;
                        if ((i & 1023) < batch) {
                            for (DatagramChannel s : sinks) {
                                while (s.receive(drain.clear()) != null) { /* not part of the send cost */ }
                            }
                        }
                    }
                }
                return spent / (double) count;
            }).get();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            for (DatagramChannel s : sinks) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /**
     * The shape of the load's sends: {@code batch} 120-byte datagrams per flush of a Netty epoll
     * {@code DatagramChannel} (one {@code sendmmsg}) to {@code dests} rotating loopback sockets, one per
     * subscriber, which a separate thread drains by polling them in turn without ever blocking (as
     * {@code scripts/udp-send-floor.c} and the bench client's {@code --client-receive spin} do), so the
     * sockets stay near-empty and no send pays a wake-up. Measured as the sending thread's own CPU time
     * (which includes the loopback delivery), not wall time.
     *
     * @return {CPU ns, system-time ns} per datagram ({@code ThreadMXBean} thread CPU and user time; the
     *     system part has the kernel's tick resolution); NaNs where epoll is unavailable
     */
    public static double[] sendmmsgSpinDrainNanos(int count, int batch, int dests) throws Exception {
        if (!io.netty.channel.epoll.Epoll.isAvailable()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.epoll.EpollIoHandler.newFactory());
        DatagramChannel[] sinks = new DatagramChannel[dests];
        AtomicBoolean stop = new AtomicBoolean();
        Thread drainer = null;
        try {
            InetSocketAddress[] to = new InetSocketAddress[dests];
            for (int i = 0; i < dests; i++) {
                sinks[i] = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
                sinks[i].setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
                sinks[i].configureBlocking(false);
                to[i] = (InetSocketAddress) sinks[i].getLocalAddress();
            }
            drainer = new Thread(() -> {
                ByteBuffer drain = ByteBuffer.allocateDirect(1500);
                try {
                    while (!stop.get()) {
                        for (DatagramChannel s : sinks) {
                            while (s.receive(drain.clear()) != null) { /* spin: never parks */ }
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "floor-spin-drain");
            drainer.setDaemon(true);
            drainer.start();
            io.netty.channel.Channel ch = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.epoll.EpollDatagramChannel.class)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(lo, 0)).sync().channel();
            io.netty.buffer.ByteBuf payload = io.netty.buffer.Unpooled.directBuffer(120).writeZero(120);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            return ch.eventLoop().submit(() -> {
                double[] r = new double[2];
                for (int round = 0; round < 2; round++) { // warm-up, then measured
                    int d = 0;
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long user0 = mx.getCurrentThreadUserTime();
                    for (int i = 0; i < count; i += batch) {
                        for (int j = 0; j < batch; j++) {
                            ch.write(new io.netty.channel.socket.DatagramPacket(payload.retainedDuplicate(), to[d]),
                                    ch.voidPromise());
                            d = d + 1 == dests ? 0 : d + 1;
                        }
                        ch.flush();
                    }
                    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                    long user = mx.getCurrentThreadUserTime() - user0;
                    int sent = (count + batch - 1) / batch * batch;
                    r[0] = cpu / (double) sent;
                    r[1] = (cpu - user) / (double) sent;
                }
                return r;
            }).get();
        } finally {
            stop.set(true);
            if (drainer != null) {
                drainer.join(2000);
            }
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            for (DatagramChannel s : sinks) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** Nanoseconds per SRTP protect of a 120-byte RTP packet (12-byte header + 108 payload). */
    public static double protectNanos(SrtpProfile profile, int count) {
        Random r = new Random(1);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        r.nextBytes(key);
        r.nextBytes(salt);
        SrtpSession s = SrtpSession.sender(profile, key, salt);
        byte[] b = new byte[120 + s.maxOverhead()];
        r.nextBytes(b);
        int seq = 0;
        for (int i = 0; i < count / 4; i++) {
            seq = protectOne(s, b, seq);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            seq = protectOne(s, b, seq);
        }
        return (System.nanoTime() - t0) / (double) count;
    }

    private static int protectOne(SrtpSession s, byte[] b, int seq) {
        b[0] = (byte) 0x80;
        b[1] = 111;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[8] = 0x12;
        b[9] = 0x34;
        b[10] = 0x56;
        b[11] = 0x78;
        if (s.protectRtp(b, 0, 120) < 0) {
            throw new IllegalStateException("protect failed");
        }
        return (seq + 1) & 0xFFFF;
    }
}
