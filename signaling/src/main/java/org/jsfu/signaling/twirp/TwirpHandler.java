package org.jsfu.signaling.twirp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.jsfu.signaling.Authenticator;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.HttpResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twirp transport for {@code POST /twirp/<package>.<Service>/<Method>}: content types
 * {@code application/protobuf} and {@code application/json} (lenient parse, proto field names out),
 * bearer-token auth (plain-text 401 for a bad token) and Twirp JSON errors.
 */
public final class TwirpHandler {
    private static final Logger log = LoggerFactory.getLogger(TwirpHandler.class);
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    /** One RPC: request prototype and implementation. */
    public record Method(Message prototype, Call call) {}

    @FunctionalInterface
    public interface Call {
        /** {@code grants} is null when the request carried no token. */
        CompletableFuture<? extends Message> invoke(Grants grants, Message request);
    }

    private final Map<String, Method> methods;
    private final Authenticator auth;
    private final LongSupplier clock;

    /** {@code methods}: keys like {@code livekit.RoomService/CreateRoom}. */
    public TwirpHandler(Map<String, Method> methods, Authenticator auth, LongSupplier clock) {
        this.methods = Map.copyOf(methods);
        this.auth = auth;
        this.clock = clock;
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        String route = path.substring("/twirp/".length());
        Method m = methods.get(route);
        if (!req.method().equals(HttpMethod.POST) || m == null) {
            error(ctx, req, false, new TwirpException("bad_route", "no handler for path " + safe(path)));
            return;
        }
        String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        int semi = ct.indexOf(';');
        String type = (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
        boolean json;
        if (type.equals("application/json")) {
            json = true;
        } else if (type.equals("application/protobuf")) {
            json = false;
        } else {
            error(ctx, req, false, new TwirpException("bad_route", "unexpected Content-Type"));
            return;
        }
        Grants grants = null;
        String authz = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authz != null && !authz.isEmpty()) {
            String token = authz.regionMatches(true, 0, "Bearer ", 0, 7) ? authz.substring(7).trim() : authz.trim();
            try {
                grants = auth.verify(token, clock.getAsLong());
            } catch (Authenticator.AuthFailure e) {
                FullHttpResponse r = HttpResponses.text(HttpResponseStatus.UNAUTHORIZED, e.getMessage());
                HttpResponses.cors(req, r, false);
                HttpResponses.send(ctx, req, r);
                return;
            }
        }
        Message request;
        try {
            Message.Builder b = m.prototype().newBuilderForType();
            if (json) {
                PARSER.merge(req.content().toString(StandardCharsets.UTF_8), b);
            } else {
                try (ByteBufInputStream in = new ByteBufInputStream(req.content().duplicate())) {
                    b.mergeFrom(in);
                }
            }
            request = b.build();
        } catch (IOException | RuntimeException e) {
            error(ctx, req, json, new TwirpException("malformed", "the request could not be decoded"));
            return;
        }
        CompletableFuture<? extends Message> f;
        try {
            f = m.call().invoke(grants, request);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        req.retain();
        f.whenComplete((resp, err) -> ctx.executor().execute(() -> {
            try {
                if (err != null) {
                    error(ctx, req, json, toTwirp(err));
                } else {
                    ok(ctx, req, json, resp);
                }
            } finally {
                req.release();
            }
        }));
    }

    private static String safe(String path) {
        return path.length() > 200 ? path.substring(0, 200) : path;
    }

    private static TwirpException toTwirp(Throwable err) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (c instanceof TwirpException te) {
            return te;
        }
        if (c instanceof org.jsfu.core.room.RoomException re) {
            return switch (re.code()) {
                case NOT_FOUND, CLOSED -> new TwirpException("not_found", re.getMessage());
                case LIMIT_EXCEEDED -> new TwirpException("resource_exhausted", re.getMessage());
                case PERMISSION_DENIED -> TwirpException.permissionDenied();
                case ALREADY_EXISTS -> new TwirpException("already_exists", re.getMessage());
                case INVALID -> TwirpException.invalid(re.getMessage());
            };
        }
        log.warn("twirp call failed", c);
        return new TwirpException("internal", "internal error");
    }

    private static void ok(ChannelHandlerContext ctx, FullHttpRequest req, boolean json, Message resp) {
        FullHttpResponse r;
        if (json) {
            try {
                r = HttpResponses.bytes(HttpResponseStatus.OK, PRINTER.print(resp).getBytes(StandardCharsets.UTF_8),
                        "application/json");
            } catch (InvalidProtocolBufferException e) {
                error(ctx, req, true, new TwirpException("internal", "cannot encode response"));
                return;
            }
        } else {
            r = HttpResponses.bytes(HttpResponseStatus.OK, resp.toByteArray(), "application/protobuf");
        }
        HttpResponses.cors(req, r, false);
        HttpResponses.send(ctx, req, r);
    }

    /** Twirp error body; Content-Type is exactly {@code application/json} (the Node SDK requires it). */
    static void error(ChannelHandlerContext ctx, FullHttpRequest req, boolean json, TwirpException e) {
        String body = "{\"code\":\"" + e.code() + "\",\"msg\":\"" + escape(e.getMessage()) + "\"}";
        FullHttpResponse r = HttpResponses.bytes(e.status(), body.getBytes(StandardCharsets.UTF_8), "application/json");
        HttpResponses.cors(req, r, false);
        HttpResponses.send(ctx, req, r);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : String.valueOf(s).toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
