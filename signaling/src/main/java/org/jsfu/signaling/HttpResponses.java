package org.jsfu.signaling;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Building and sending plain HTTP answers with LiveKit's CORS behaviour. */
public final class HttpResponses {
    private HttpResponses() {}

    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = bytes(status, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        return r;
    }

    public static FullHttpResponse bytes(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /**
     * CORS as the Go server does (rs/cors, every origin allowed): echo Origin; validate paths get
     * {@code *}. Preflight answers add methods, headers and max-age.
     */
    public static void cors(HttpRequest req, FullHttpResponse r, boolean wildcard) {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (wildcard) {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else if (origin != null) {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            r.headers().add(HttpHeaderNames.VARY, "Origin");
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "OPTIONS, HEAD, GET, POST, PATCH, DELETE");
            String asked = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked != null ? asked : "*");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        }
    }

    /** Writes {@code r}; keeps the connection open when the request allows it. HEAD gets no body. */
    public static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse r) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.method().equals(HttpMethod.HEAD)) {
            r.content().clear();
        }
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
