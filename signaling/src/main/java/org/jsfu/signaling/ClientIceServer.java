package org.jsfu.signaling;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An ICE server handed to clients in JoinResponse.ice_servers and ReconnectResponse.ice_servers (the SDK
 * makes them its RTCConfiguration.iceServers): each of rtc.turn_servers, then rtc.stun_servers as one
 * entry, as LiveKit does. A TURN server with a {@code secret} (coturn's {@code use-auth-secret}) gets
 * credentials per participant by the TURN REST scheme (draft-uberti-behave-turn-rest-00 section 2.2):
 * username {@code <expiry in Unix seconds>:<participant sid>}, credential base64(HMAC-SHA1(secret,
 * username)); otherwise its static username and credential. Unlike LiveKit, nothing is sent when neither
 * list is configured (LiveKit then names three public STUN servers, which an SFU's clients do not need:
 * the server learns their addresses from their checks).
 *
 * @param secret     empty for static credentials
 * @param ttlSeconds for a secret: 0 means 4 hours, as LiveKit; at most 24 hours
 */
public record ClientIceServer(List<String> urls, String username, String credential, String secret, int ttlSeconds) {
    /** LiveKit's DefaultExternalTURNTTLSeconds (4 h) and TURNMaxTTLSeconds (24 h). */
    static final int DEFAULT_TTL_SECONDS = 4 * 3600;
    static final int MAX_TTL_SECONDS = 24 * 3600;

    public ClientIceServer {
        urls = List.copyOf(urls);
    }

    /**
     * rtc.turn_servers entry: {@code turns:host:port?transport=tcp} for tls, {@code turn:host:port?transport=udp}
     * for udp, {@code turn:host:port?transport=tcp} for tcp (RFC 7065 section 3).
     */
    public static ClientIceServer turn(String host, int port, String protocol, String username, String credential,
                                       String secret, int ttlSeconds) {
        String p = protocol.toLowerCase(Locale.ROOT);
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host; // an IPv6 literal (RFC 3986 3.2.2)
        String url = (p.equals("tls") ? "turns:" : "turn:") + h + ":" + port + "?transport=" + (p.equals("udp") ? "udp" : "tcp");
        return new ClientIceServer(List.of(url), username, credential, secret, ttlSeconds);
    }

    /**
     * rtc.stun_servers ("host:port" each, as the config loader gives them) as one entry of {@code stun:} URLs
     * (RFC 7064 section 3).
     */
    public static ClientIceServer stun(List<String> hostPorts) {
        return new ClientIceServer(hostPorts.stream().map(s -> "stun:" + s).toList(), "", "", "", 0);
    }

    /** A username and credential (both empty for STUN). */
    public record Credentials(String username, String credential) {}

    /** What participant {@code participantSid} is given at {@code nowEpochSeconds}. */
    public Credentials credentialsFor(String participantSid, long nowEpochSeconds) {
        if (secret.isEmpty()) {
            return new Credentials(username, credential);
        }
        int ttl = ttlSeconds == 0 ? DEFAULT_TTL_SECONDS : Math.min(ttlSeconds, MAX_TTL_SECONDS);
        String user = (nowEpochSeconds + ttl) + ":" + participantSid;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] sig = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
            return new Credentials(user, Base64.getEncoder().encodeToString(sig));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1", e); // every JDK has it
        }
    }

    /** Without the secret and credential, for logs. */
    @Override
    public String toString() {
        return "ClientIceServer" + urls + (secret.isEmpty() ? username.isEmpty() ? "" : " static credentials" : " ttl=" + ttlSeconds);
    }
}
