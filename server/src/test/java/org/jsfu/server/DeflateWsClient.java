package org.jsfu.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Netty WebSocket client that negotiates permessage-deflate (RFC 7692), for size-limit tests. */
final class DeflateWsClient implements AutoCloseable {
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<Boolean> deflateNegotiated = new CompletableFuture<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final Channel channel;

    DeflateWsClient(URI uri) throws Exception {
        WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null,
                true, new DefaultHttpHeaders(), 64 * 1024 * 1024);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new WebSocketClientCompressionHandler(64 * 1024 * 1024),
                                new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        hs.handshake(ctx.channel());
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        if (!hs.isHandshakeComplete()) {
                                            FullHttpResponse r = (FullHttpResponse) msg;
                                            deflateNegotiated.complete(String.valueOf(
                                                    r.headers().get("Sec-WebSocket-Extensions")).contains("permessage-deflate"));
                                            hs.finishHandshake(ctx.channel(), r);
                                            handshake.complete(null);
                                        } else if (msg instanceof CloseWebSocketFrame c) {
                                            closeCode.complete(c.statusCode());
                                        } else if (msg instanceof WebSocketFrame) {
                                            // join etc.: not needed here
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        closeCode.complete(-1);
                                        handshake.completeExceptionally(new IllegalStateException("closed"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        handshake.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                }).connect(uri.getHost(), uri.getPort()).sync().channel();
        handshake.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
