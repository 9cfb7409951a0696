package org.jsfu.signaling.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Issues HS256 tokens in LiveKit's claim shape (refresh tokens, webhook signatures): {@code iss},
 * {@code sub}, {@code nbf} = now, {@code exp} = now + ttl, {@code name}, {@code metadata},
 * {@code attributes}, {@code kind}, {@code video} (camelCase), {@code roomConfig}, {@code sha256};
 * empty fields are left out. Thread-safe.
 */
public final class TokenIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = Hs256.B64URL.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private TokenIssuer() {}

    public static String issue(String apiKey, String secret, AccessClaims c, long nowMs, Duration ttl) {
        long now = Math.floorDiv(nowMs, 1000);
        ObjectNode o = JSON.createObjectNode();
        o.put("iss", apiKey);
        if (!c.identity().isEmpty()) o.put("sub", c.identity());
        o.put("nbf", now);
        o.put("exp", now + ttl.toSeconds());
        if (!c.name().isEmpty()) o.put("name", c.name());
        if (!c.metadata().isEmpty()) o.put("metadata", c.metadata());
        if (!c.attributes().isEmpty()) {
            ObjectNode a = o.putObject("attributes");
            for (Map.Entry<String, String> e : c.attributes().entrySet()) a.put(e.getKey(), e.getValue());
        }
        if (!c.kind().isEmpty()) o.put("kind", c.kind());
        if (c.video() != null) video(o.putObject("video"), c.video());
        if (c.roomConfigJson() != null) {
            try {
                o.set("roomConfig", JSON.readTree(c.roomConfigJson()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("roomConfigJson is not JSON", e);
            }
        }
        if (c.sha256() != null) o.put("sha256", c.sha256());
        String payload = Hs256.B64URL.encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
        String input = HEADER + "." + payload;
        return input + "." + Hs256.B64URL.encodeToString(Hs256.sign(secret, input));
    }

    private static void video(ObjectNode v, VideoGrant g) {
        flag(v, "roomCreate", g.roomCreate());
        flag(v, "roomList", g.roomList());
        flag(v, "roomRecord", g.roomRecord());
        flag(v, "roomAdmin", g.roomAdmin());
        flag(v, "roomJoin", g.roomJoin());
        if (!g.room().isEmpty()) v.put("room", g.room());
        // always explicit, so readers with other defaults agree (the Python SDK does the same)
        v.put("canPublish", g.canPublish());
        v.put("canSubscribe", g.canSubscribe());
        v.put("canPublishData", g.canPublishData());
        if (!g.canPublishSources().isEmpty()) {
            var arr = v.putArray("canPublishSources");
            g.canPublishSources().forEach(arr::add);
        }
        flag(v, "canUpdateOwnMetadata", g.canUpdateOwnMetadata());
        flag(v, "ingressAdmin", g.ingressAdmin());
        flag(v, "hidden", g.hidden());
        flag(v, "recorder", g.recorder());
        flag(v, "agent", g.agent());
        flag(v, "canSubscribeMetrics", g.canSubscribeMetrics());
        if (!g.destinationRoom().isEmpty()) v.put("destinationRoom", g.destinationRoom());
    }

    private static void flag(ObjectNode v, String name, boolean value) {
        if (value) v.put(name, true);
    }

}
