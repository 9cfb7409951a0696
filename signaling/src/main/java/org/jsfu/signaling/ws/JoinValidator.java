package org.jsfu.signaling.ws;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jsfu.core.room.ClientInfo;
import org.jsfu.core.room.JoinRequest;
import org.jsfu.core.room.RoomManager;
import org.jsfu.signaling.Authenticator;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.SignalingSettings;

/**
 * The join validation of {@code /rtc} and {@code /rtc/validate}, run before any upgrade
 * (livekit-protocol.md 1.4): token, roomJoin, identity, room name, limits, auto_create.
 */
public final class JoinValidator {
    /**
     * Either a join to perform or the HTTP error to answer. A resume has {@code reconnect} with the
     * participant's {@code reconnectSid} and {@code reconnectReason} (livekit.ReconnectReason).
     */
    public record Result(HttpResponseStatus status, String error, Grants grants, JoinRequest join, String roomName,
                         boolean reconnect, String reconnectSid, int reconnectReason) {
        public boolean ok() { return error == null; }

        static Result fail(HttpResponseStatus s, String text) {
            return new Result(s, text, null, null, null, false, null, 0);
        }
    }

    private final Authenticator auth;
    private final RoomManager rooms;
    private final SignalingSettings settings;
    private final LongSupplier clock;

    public JoinValidator(Authenticator auth, RoomManager rooms, SignalingSettings settings, LongSupplier clock) {
        this.auth = auth;
        this.rooms = rooms;
        this.settings = settings;
        this.clock = clock;
    }

    /** The token from {@code Authorization: Bearer} (checked first, as Go does) or {@code access_token}. */
    public static String token(HttpRequest req, QueryStringDecoder q) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        return param(q, "access_token");
    }

    static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static boolean bool(QueryStringDecoder q, String name, boolean dflt) {
        String v = param(q, name);
        return v == null ? dflt : v.equals("1") || v.equalsIgnoreCase("true");
    }

    static int integer(QueryStringDecoder q, String name) {
        try {
            String v = param(q, name);
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public Result validate(HttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String token = token(req, q);
        if (token == null || token.isEmpty()) {
            return Result.fail(HttpResponseStatus.UNAUTHORIZED, "no authorization token");
        }
        Grants g;
        try {
            g = auth.verify(token, clock.getAsLong());
        } catch (Authenticator.AuthFailure e) {
            return Result.fail(HttpResponseStatus.UNAUTHORIZED, e.getMessage());
        }
        if (!g.roomJoin()) {
            return Result.fail(HttpResponseStatus.UNAUTHORIZED, "permissions denied");
        }
        if (g.identity().isEmpty()) {
            return Result.fail(HttpResponseStatus.BAD_REQUEST, "participant identity cannot be empty");
        }
        String room = g.room();
        if (room.isEmpty()) {
            return Result.fail(HttpResponseStatus.BAD_REQUEST, "room name cannot be empty");
        }
        if (settings.maxRoomNameLength() > 0 && room.length() > settings.maxRoomNameLength()) {
            return Result.fail(HttpResponseStatus.BAD_REQUEST, "room name length exceeds limits");
        }
        if (settings.maxIdentityLength() > 0 && g.identity().length() > settings.maxIdentityLength()) {
            return Result.fail(HttpResponseStatus.BAD_REQUEST, "participant identity length exceeds limits");
        }
        if (!settings.autoCreate() && !rooms.exists(room)) {
            return Result.fail(HttpResponseStatus.NOT_FOUND, "requested room does not exist");
        }
        ClientInfo client = new ClientInfo(nz(param(q, "sdk")), nz(param(q, "version")), integer(q, "protocol"),
                integer(q, "client_protocol"), nz(param(q, "os")), nz(param(q, "browser")),
                bool(q, "auto_subscribe", true), bool(q, "adaptive_stream", false));
        JoinRequest join = new JoinRequest(g.identity(), g.name(), g.metadata(), Map.copyOf(g.attributes()), g.kind(),
                g.permission(), client, g.roomConfig());
        boolean reconnect = bool(q, "reconnect", false);
        return new Result(HttpResponseStatus.OK, null, g, join, room, reconnect, param(q, "sid"),
                integer(q, "reconnect_reason"));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
