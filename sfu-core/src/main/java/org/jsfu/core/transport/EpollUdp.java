package org.jsfu.core.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The RTC UDP sockets on Netty's native epoll transport (Linux), opt-in with
 * {@code -Djsfu.rtc.epoll=true}: one I/O thread reads every socket with {@code recvmmsg} (up to
 * {@link #RECV_BATCH} datagrams per call) and writes the batches the loops hand it ({@link SendBatch})
 * with one {@code sendmmsg} per flush. Not the default: on the loopback load benchmark it forwarded no
 * more packets per CPU-second than the NIO sockets (BENCHMARKS.md), costs a second hop (loop to I/O
 * thread) per batch, and Netty allocates a {@code DatagramPacket} and an address per datagram.
 */
final class EpollUdp implements AutoCloseable {
    static final int RECV_BATCH = 32;
    /** Bytes written but not yet sent per socket before batches are dropped (the kernel buffer is full). */
    static final int HIGH_WATER = 4 << 20;

    private final MultiThreadIoEventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rtc-udp-io", true), EpollIoHandler.newFactory());
    private final UdpMux mux;

    EpollUdp(UdpMux mux) {
        this.mux = mux;
    }

    /** Chosen ({@code jsfu.rtc.epoll}) and usable on this machine. */
    static boolean enabled() {
        return Boolean.getBoolean("jsfu.rtc.epoll") && Epoll.isAvailable();
    }

    /** Binds {@code s} (address null = wildcard) and starts reading it; the socket's channel is set before the bind. */
    void open(UdpMux.Socket s, InetAddress address, int port) throws IOException {
        Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UdpMux.MAX_DATAGRAM)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpMux.MAX_DATAGRAM * RECV_BATCH))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(HIGH_WATER / 2, HIGH_WATER))
                .handler(new Reader(s));
        ChannelFuture reg = b.register().awaitUninterruptibly();
        if (!reg.isSuccess()) {
            throw new IOException("udp register failed", reg.cause());
        }
        Channel ch = reg.channel();
        s.netty = ch;
        ChannelFuture bound = ch.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            ch.close().awaitUninterruptibly();
            Throwable c = bound.cause();
            throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
        }
        s.port = ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** One datagram now, from any thread (STUN, DTLS, timers): a task on the I/O thread unless called there. */
    static void sendNow(Channel ch, byte[] b, int off, int len, InetSocketAddress to) {
        if (!ch.isActive()) {
            return;
        }
        ByteBuf buf = ch.alloc().directBuffer(len).writeBytes(b, off, len);
        ch.writeAndFlush(new DatagramPacket(buf, to), ch.voidPromise());
    }

    static void close(Channel ch) {
        ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** On the I/O thread: copies each datagram into a pooled buffer and routes it like the NIO path. */
    private final class Reader extends ChannelInboundHandlerAdapter {
        private final UdpMux.Socket socket;

        Reader(UdpMux.Socket socket) {
            this.socket = socket;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            try {
                ByteBuf c = p.content();
                int len = c.readableBytes();
                ReceivedDatagram d = len <= UdpMux.MAX_DATAGRAM ? mux.pool().take() : null;
                if (d == null) {
                    mux.countDropped();
                    return;
                }
                c.getBytes(c.readerIndex(), d.buf, 0, len);
                mux.route(socket, p.sender(), d, len);
            } finally {
                p.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            mux.receiveError(cause);
        }
    }
}
