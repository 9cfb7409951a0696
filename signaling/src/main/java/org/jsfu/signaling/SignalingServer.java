package org.jsfu.signaling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jsfu.core.room.RoomManager;
import org.jsfu.signaling.twirp.RoomServiceApi;
import org.jsfu.signaling.twirp.TwirpHandler;
import org.jsfu.signaling.ws.JoinValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single HTTP port: health, {@code /rtc} WebSocket signalling, validate and Twirp. */
public final class SignalingServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);

    private final SignalingSettings settings;
    private final RoomManager rooms;
    private final Authenticator auth;
    private final LongSupplier clock;
    private final java.util.Map<String, TwirpHandler.Method> extraMethods = new java.util.HashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger signalChannels = new java.util.concurrent.atomic.AtomicInteger();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private final List<Channel> channels = new ArrayList<>();

    public SignalingServer(SignalingSettings settings, RoomManager rooms, Authenticator auth, LongSupplier clock) {
        this.settings = settings;
        this.rooms = rooms;
        this.auth = auth;
        this.clock = clock;
    }

    /** Adds Twirp methods of other services (e.g. {@code livekit.Egress/StartTrackEgress}); before start. */
    public SignalingServer addTwirpMethods(java.util.Map<String, TwirpHandler.Method> methods) {
        extraMethods.putAll(methods);
        return this;
    }

    /** Binds every configured address; returns the bound port (useful with port 0). */
    public int start() throws InterruptedException {
        java.util.Map<String, TwirpHandler.Method> methods = new java.util.HashMap<>(new RoomServiceApi(rooms, settings).methods());
        methods.putAll(extraMethods);
        TwirpHandler twirp = new TwirpHandler(methods, auth, clock);
        JoinValidator validator = new JoinValidator(auth, rooms, settings, clock);
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                // API bodies over the limit are refused with 413, chunked or not
                                .addLast("aggregator", new HttpObjectAggregator(settings.maxApiRequestBodySize(), true))
                                // permessage-deflate; maxAllocation caps a frame's decompressed size
                                .addLast("ws-ext", new WebSocketServerExtensionHandler(
                                        new PerMessageDeflateServerExtensionHandshaker(6, false, 15, false, false,
                                                WebSocketExtensionFilterProvider.DEFAULT,
                                                settings.signalMessageSizeLimit())))
                                .addLast("router", new HttpRouter(rooms, auth, settings, clock, validator, twirp,
                                        signalChannels));
                    }
                });
        int port = settings.port();
        try {
            for (String addr : settings.bindAddresses()) {
                Channel ch = b.bind(new InetSocketAddress(addr, port)).sync().channel();
                channels.add(ch);
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                log.info("listening address={} port={}", addr, port);
            }
        } catch (Exception e) {
            close(); // release the event loop threads, or the JVM would stay up without a port
            throw e;
        }
        return port;
    }

    /** Open /rtc WebSocket connections (from the upgrade until the channel closes); for tests and metrics. */
    public int signalConnections() {
        return signalChannels.get();
    }

    /** The port bound by {@link #start()}. */
    public int port() {
        return channels.isEmpty() ? -1 : ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        if (boss != null) {
            boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
