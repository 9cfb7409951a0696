package org.jsfu.signaling.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over a JWS signing input (RFC 7515 section 5.1, RFC 7518 section 3.2), done with
 * javax.crypto directly so that any secret length works, including LiveKit's 6-byte dev secret
 * {@code secret} (RFC 7518 section 3.2 asks for keys of at least 256 bits, and jjwt enforces that).
 */
final class Hs256 {
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Hs256() {}

    static byte[] sign(String secret, String signingInput) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length == 0) throw new IllegalArgumentException("empty HMAC secret");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
