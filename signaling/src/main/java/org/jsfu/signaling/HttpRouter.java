package org.jsfu.signaling;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.function.LongSupplier;
import org.jsfu.core.room.RoomManager;
import org.jsfu.signaling.twirp.TwirpHandler;
import org.jsfu.signaling.ws.JoinValidator;
import org.jsfu.signaling.ws.SignalSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one HTTP request (livekit-protocol.md 1.1): health, {@code /rtc} upgrade, validate,
 * {@code /rtc/v1*} (404 so the JS SDK falls back to v0), Twirp, 404 for the rest.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final RoomManager rooms;
    private final Authenticator auth;
    private final SignalingSettings settings;
    private final LongSupplier clock;
    private final JoinValidator validator;
    private final TwirpHandler twirp;
    /** Open /rtc WebSocket channels of the server (SignalingServer#signalConnections). */
    private final java.util.concurrent.atomic.AtomicInteger signalChannels;

    HttpRouter(RoomManager rooms, Authenticator auth, SignalingSettings settings, LongSupplier clock,
               JoinValidator validator, TwirpHandler twirp, java.util.concurrent.atomic.AtomicInteger signalChannels) {
        this.signalChannels = signalChannels;
        this.rooms = rooms;
        this.auth = auth;
        this.settings = settings;
        this.clock = clock;
        this.validator = validator;
        this.twirp = twirp;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            reply(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad request", false);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean validatePath = path.endsWith("/validate");
        if (req.method().equals(HttpMethod.OPTIONS)) {
            reply(ctx, req, HttpResponseStatus.NO_CONTENT, "", validatePath);
            return;
        }
        if (path.startsWith("/twirp/")) {
            twirp.handle(ctx, req, path);
            return;
        }
        switch (path) {
            case "/" -> {
                if (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)) {
                    reply(ctx, req, HttpResponseStatus.OK, "OK", false);
                } else {
                    reply(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", false);
                }
            }
            case "/rtc/validate" -> {
                JoinValidator.Result v = validator.validate(req);
                reply(ctx, req, v.ok() ? HttpResponseStatus.OK : v.status(), v.ok() ? "success" : v.error(), true);
            }
            // v1 (single peer connection) is not implemented: 404 without "requested room does not exist"
            // makes the JS SDK fall back to /rtc (livekit-protocol.md 1.2).
            case "/rtc/v1", "/rtc/v1/validate" -> reply(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found",
                    validatePath);
            case "/rtc" -> rtc(ctx, req);
            default -> reply(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found", false);
        }
    }

    private void rtc(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean upgrade = req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (!upgrade) {
            reply(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found", false);
            return;
        }
        JoinValidator.Result v = validator.validate(req);
        if (!v.ok()) {
            log.info("join refused status={} reason={}", v.status().code(), v.error());
            reply(ctx, req, v.status(), v.error(), false);
            return;
        }
        WebSocketDecoderConfig cfg = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.signalMessageSizeLimit())
                .allowExtensions(true)
                // SignalSession answers a violation itself (1009 for too big) and closes gracefully;
                // the decoder then discards the rest of the oversized frame.
                .closeOnProtocolViolation(false)
                .build();
        WebSocketServerHandshakerFactory f = new WebSocketServerHandshakerFactory(
                "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + "/rtc", null, cfg);
        WebSocketServerHandshaker hs = f.newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        SignalSession session = new SignalSession(ctx.channel(), rooms, auth, settings, clock, v);
        signalChannels.incrementAndGet();
        ctx.channel().closeFuture().addListener(c -> signalChannels.decrementAndGet());
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(settings.signalMessageSizeLimit()));
        p.addAfter("ws-aggregator", "signal", session);
        hs.handshake(ctx.channel(), req).addListener(done -> {
            if (done.isSuccess()) {
                p.remove(this);
                session.start();
            } else {
                ctx.close();
            }
        });
    }

    private static void reply(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body,
                              boolean wildcardCors) {
        FullHttpResponse r = HttpResponses.text(status, body);
        HttpResponses.cors(req, r, wildcardCors);
        HttpResponses.send(ctx, req, r);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.info("request refused: too long");
        } else {
            log.info("http error error={}", cause.toString());
        }
        ctx.close();
    }

}
