package org.jsfu.signaling.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsfu.signaling.auth.AuthException.Reason;

/**
 * Verifies LiveKit access tokens: compact JWS (RFC 7515 section 7.1) with alg HS256 only, the
 * secret chosen by {@code iss} (the API key), {@code exp} required, {@code exp}/{@code nbf} checked
 * with 60 s of leeway (as livekit-server does), unknown claims ignored. Thread-safe.
 */
public final class TokenVerifier {
    /** Leeway for exp and nbf, as livekit-server's go-jose validation uses. */
    public static final long LEEWAY_SECONDS = 60;
    /** Tokens longer than this are refused before decoding (metadata may make tokens large). */
    public static final int MAX_TOKEN_CHARS = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    private final Map<String, String> keys;

    /** @param keys API key to secret */
    public TokenVerifier(Map<String, String> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** The token in an {@code Authorization: Bearer <jwt>} header value, or null when absent or not Bearer. */
    public static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null) return null;
        String h = authorizationHeader.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    public AccessClaims verify(String jwt, long nowMs) throws AuthException {
        if (jwt == null || jwt.isEmpty() || jwt.length() > MAX_TOKEN_CHARS) throw malformed();
        int d1 = jwt.indexOf('.');
        int d2 = d1 < 0 ? -1 : jwt.indexOf('.', d1 + 1);
        if (d1 <= 0 || d2 <= d1 + 1 || jwt.indexOf('.', d2 + 1) >= 0 || d2 == jwt.length() - 1) throw malformed();

        ObjectNode header = jsonObject(jwt.substring(0, d1));
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !alg.asText().equals("HS256") || header.has("crit")) {
            throw new AuthException(Reason.UNSUPPORTED_ALGORITHM, "invalid authorization token: only HS256 is accepted");
        }
        ObjectNode claims = jsonObject(jwt.substring(d1 + 1, d2));
        String iss = text(claims, "iss");
        String secret = iss == null ? null : keys.get(iss);
        if (secret == null || secret.isEmpty()) throw new AuthException(Reason.UNKNOWN_KEY, "invalid API key");

        byte[] given = decode(jwt.substring(d2 + 1));
        byte[] expected = Hs256.sign(secret, jwt.substring(0, d2));
        if (!MessageDigest.isEqual(given, expected)) {
            throw new AuthException(Reason.BAD_SIGNATURE, "invalid token: signature is invalid");
        }

        long now = Math.floorDiv(nowMs, 1000);
        Long exp = numericDate(claims, "exp");
        if (exp == null) throw new AuthException(Reason.MISSING_EXPIRY, "invalid token: exp is required");
        if (now > exp + LEEWAY_SECONDS) throw new AuthException(Reason.EXPIRED, "invalid token: token is expired");
        Long nbf = numericDate(claims, "nbf");
        if (nbf != null && now < nbf - LEEWAY_SECONDS) throw new AuthException(Reason.NOT_YET_VALID, "invalid token: token is not valid yet");

        String identity = text(claims, "sub");
        if (identity == null || identity.isEmpty()) identity = text(claims, "jti");
        JsonNode rc = claims.get("roomConfig");
        String roomConfig = rc == null || rc.isNull() ? null : rc.toString();
        return new AccessClaims(identity, text(claims, "name"), text(claims, "metadata"), attributes(claims),
                text(claims, "kind"), video(claims.get("video")), roomConfig, text(claims, "sha256"),
                nbf == null ? null : Instant.ofEpochSecond(nbf), Instant.ofEpochSecond(exp), iss);
    }

    private static AuthException malformed() {
        return new AuthException(Reason.MALFORMED, "invalid authorization token");
    }

    private static byte[] decode(String part) throws AuthException {
        // RFC 7515 section 2: base64url without padding
        if (part.indexOf('=') >= 0) throw malformed();
        try {
            return B64URL.decode(part);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    private static ObjectNode jsonObject(String part) throws AuthException {
        try {
            JsonNode n = JSON.readTree(decode(part));
            if (n instanceof ObjectNode) return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            // fall through
        } catch (java.io.IOException e) {
            // fall through
        }
        throw malformed();
    }

    private static String text(JsonNode o, String field) throws AuthException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw malformed();
        return n.asText();
    }

    private static Long numericDate(JsonNode o, String field) throws AuthException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw malformed();
        return (long) Math.floor(n.asDouble());
    }

    private static boolean bool(JsonNode o, String field, boolean def) throws AuthException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return def;
        if (!n.isBoolean()) throw malformed();
        return n.asBoolean();
    }

    private static Map<String, String> attributes(JsonNode claims) throws AuthException {
        JsonNode a = claims.get("attributes");
        Map<String, String> out = new LinkedHashMap<>();
        if (a == null || a.isNull()) return out;
        if (!a.isObject()) throw malformed();
        for (Map.Entry<String, JsonNode> e : a.properties()) {
            if (!e.getValue().isTextual()) throw malformed();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static VideoGrant video(JsonNode v) throws AuthException {
        if (v == null || v.isNull()) return VideoGrant.DEFAULTS;
        if (!v.isObject()) throw malformed();
        List<String> sources = new ArrayList<>();
        JsonNode s = v.get("canPublishSources");
        if (s != null && !s.isNull()) {
            if (!s.isArray()) throw malformed();
            for (JsonNode e : s) {
                if (!e.isTextual()) throw malformed();
                sources.add(e.asText());
            }
        }
        boolean canPublish = bool(v, "canPublish", true);
        String room = text(v, "room");
        String dest = text(v, "destinationRoom");
        return new VideoGrant(bool(v, "roomCreate", false), bool(v, "roomList", false), bool(v, "roomRecord", false),
                bool(v, "roomAdmin", false), bool(v, "roomJoin", false), room, canPublish,
                bool(v, "canSubscribe", true), bool(v, "canPublishData", canPublish), sources,
                bool(v, "canUpdateOwnMetadata", false), bool(v, "ingressAdmin", false), bool(v, "hidden", false),
                bool(v, "recorder", false), bool(v, "agent", false), bool(v, "canSubscribeMetrics", false), dest);
    }
}
