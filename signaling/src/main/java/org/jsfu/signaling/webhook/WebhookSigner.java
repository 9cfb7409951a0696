package org.jsfu.signaling.webhook;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import livekit.LivekitWebhook.WebhookEvent;
import org.jsfu.signaling.auth.AccessClaims;
import org.jsfu.signaling.auth.TokenIssuer;

/**
 * Body and Authorization value of a LiveKit webhook: protojson like Go's protojson.Marshal
 * (lowerCamelCase names, unpopulated fields omitted, int64 as strings, enums by name) and a bare
 * HS256 JWT with {@code iss} = API key, 5 minutes of validity and {@code sha256} = standard base64
 * of SHA-256 over the exact body bytes.
 */
public final class WebhookSigner {
    public static final Duration TOKEN_TTL = Duration.ofMinutes(5);
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private WebhookSigner() {}

    public static byte[] body(WebhookEvent ev) {
        try {
            return PRINTER.print(ev).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("WebhookEvent cannot be printed as JSON", e);
        }
    }

    public static String sha256Base64(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Authorization header value (no "Bearer " prefix: LiveKit's receivers reject one). */
    public static String authorization(String apiKey, String secret, byte[] body, long nowMs) {
        return TokenIssuer.issue(apiKey, secret, AccessClaims.webhook(sha256Base64(body)), nowMs, TOKEN_TTL);
    }
}
