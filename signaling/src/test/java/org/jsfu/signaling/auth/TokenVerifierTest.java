package org.jsfu.signaling.auth;

import static org.junit.jupiter.api.Assertions.*;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanPublishSources;
import io.livekit.server.CanSubscribe;
import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.DestinationRoomName;
import io.livekit.server.Hidden;
import io.livekit.server.Recorder;
import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomRecord;
import io.livekit.server.SIPAdmin;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import livekit.LivekitRoom;
import org.jsfu.signaling.auth.AuthException.Reason;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    static final String KEY = "reflector_0123456789abcdef";
    static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final Map<String, String> KEYS = Map.of(KEY, SECRET, "devkey", "secret");
    final TokenVerifier verifier = new TokenVerifier(KEYS);
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Hand-made HS256 token, independent of TokenIssuer. */
    private static String handToken(String header, String payload, String secret) {
        String input = b64(header) + "." + b64(payload);
        return input + "." + B64.encodeToString(Hs256.sign(secret, input));
    }

    private Reason reason(String jwt, long nowMs) {
        return assertThrows(AuthException.class, () -> verifier.verify(jwt, nowMs)).reason();
    }

    @Test
    void kotlinSdkTokenWithReflectorGrants() throws Exception {
        AccessToken t = new AccessToken(KEY, SECRET);
        t.setIdentity("juan-4b82ed");
        t.setName("Juan");
        t.setMetadata("{\"m\":1}");
        t.getAttributes().put("team", "blue");
        t.addGrants(new RoomJoin(true), new RoomName("standup-20260401172036"), new CanPublish(true),
                new CanSubscribe(true), new CanPublishData(true), new RoomAdmin(true));
        t.addSIPGrants(new SIPAdmin(false)); // extra sip claim must be tolerated
        String jwt = t.toJwt();
        AccessClaims c = verifier.verify(jwt, System.currentTimeMillis());
        assertEquals("juan-4b82ed", c.identity());
        assertEquals("Juan", c.name());
        assertEquals("{\"m\":1}", c.metadata());
        assertEquals(Map.of("team", "blue"), c.attributes());
        assertEquals(KEY, c.apiKey());
        VideoGrant g = c.video();
        assertTrue(g.roomJoin());
        assertTrue(g.roomAdmin());
        assertEquals("standup-20260401172036", g.room());
        assertTrue(g.canPublish() && g.canSubscribe() && g.canPublishData());
        assertFalse(g.roomCreate() || g.hidden() || g.recorder());
        // SDK default ttl is 6 h
        assertTrue(c.expiresAt().isAfter(Instant.now().plus(Duration.ofHours(5))));
    }

    @Test
    void kotlinSdkTokenDefaultsAndRestrictions() throws Exception {
        AccessToken t = new AccessToken("devkey", "secret"); // 6-byte dev secret
        t.setIdentity("bot");
        t.addGrants(new RoomJoin(true), new RoomName("r"), new CanPublish(false),
                new CanPublishSources(List.of("microphone")), new CanUpdateOwnMetadata(true), new Hidden(true),
                new Recorder(true), new RoomRecord(true), new DestinationRoomName("other"));
        t.setRoomConfiguration(LivekitRoom.RoomConfiguration.newBuilder().setName("r").setEmptyTimeout(600).build());
        AccessClaims c = verifier.verify(t.toJwt(), System.currentTimeMillis());
        VideoGrant g = c.video();
        assertFalse(g.canPublish());
        assertFalse(g.canPublishData(), "canPublishData defaults to canPublish");
        assertTrue(g.canSubscribe(), "canSubscribe defaults to true");
        assertEquals(List.of("microphone"), g.canPublishSources());
        assertFalse(g.canPublishSource("microphone"), "canPublish=false wins");
        assertTrue(g.canUpdateOwnMetadata() && g.hidden() && g.recorder() && g.roomRecord());
        assertEquals("other", g.destinationRoom());
        assertNotNull(c.roomConfigJson());
        // the Kotlin SDK writes proto field names; protojson parsers accept both spellings
        LivekitRoom.RoomConfiguration.Builder rc = LivekitRoom.RoomConfiguration.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(c.roomConfigJson(), rc);
        assertEquals(600, rc.getEmptyTimeout());
        assertEquals("r", rc.getName());
    }

    @Test
    void absentVideoFieldsGetLiveKitDefaults() throws Exception {
        long now = 1_700_000_000_000L;
        String jwt = handToken("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"devkey\",\"jti\":\"fromjti\",\"exp\":" + (now / 1000 + 10) + ",\"video\":{\"roomJoin\":true,\"room\":\"x\"},"
                        + "\"sip\":{},\"kind\":\"agent\",\"somethingNew\":[1,2]}", "secret");
        AccessClaims c = verifier.verify(jwt, now);
        assertEquals("fromjti", c.identity(), "identity falls back to jti");
        assertEquals("agent", c.kind());
        VideoGrant g = c.video();
        assertTrue(g.canPublish() && g.canSubscribe() && g.canPublishData());
        assertTrue(g.canPublishSources().isEmpty());
        assertTrue(g.canPublishSource("screen_share"));
        assertNull(c.notBefore());
        assertNull(c.roomConfigJson());
        // no video claim at all
        AccessClaims none = verifier.verify(handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"exp\":" + (now / 1000 + 10) + "}", "secret"), now);
        assertEquals(VideoGrant.DEFAULTS, none.video());
        assertFalse(none.video().roomJoin());
        assertEquals("", none.identity());
        // canPublish=true with explicit canPublishData=false
        AccessClaims d = verifier.verify(handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\",\"exp\":"
                + (now / 1000 + 10) + ",\"video\":{\"canPublishData\":false}}", "secret"), now);
        assertTrue(d.video().canPublish());
        assertFalse(d.video().canPublishData());
    }

    @Test
    void expiryAndNotBeforeWithLeeway() {
        long now = 1_700_000_000_000L;
        long s = now / 1000;
        String expired = handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\",\"exp\":" + (s - 61) + "}", "secret");
        assertEquals(Reason.EXPIRED, reason(expired, now));
        String inLeeway = handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\",\"exp\":" + (s - 59) + "}", "secret");
        assertDoesNotThrow(() -> verifier.verify(inLeeway, now));
        String future = handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\",\"nbf\":" + (s + 61) + ",\"exp\":" + (s + 600) + "}", "secret");
        assertEquals(Reason.NOT_YET_VALID, reason(future, now));
        String nearFuture = handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\",\"nbf\":" + (s + 59) + ",\"exp\":" + (s + 600) + "}", "secret");
        assertDoesNotThrow(() -> verifier.verify(nearFuture, now));
        String noExp = handToken("{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"sub\":\"a\"}", "secret");
        assertEquals(Reason.MISSING_EXPIRY, reason(noExp, now));
    }

    @Test
    void attacks() throws Exception {
        long now = System.currentTimeMillis();
        long s = now / 1000;
        String claims = "{\"iss\":\"" + KEY + "\",\"sub\":\"a\",\"exp\":" + (s + 600) + ",\"video\":{\"roomJoin\":true,\"roomAdmin\":true}}";
        String good = handToken("{\"alg\":\"HS256\"}", claims, SECRET);
        assertDoesNotThrow(() -> verifier.verify(good, now));
        // alg none, with and without a signature
        assertEquals(Reason.MALFORMED, reason(b64("{\"alg\":\"none\"}") + "." + b64(claims) + ".", now), "empty signature");
        assertEquals(Reason.MALFORMED, reason(b64("{\"alg\":\"none\"}") + "." + b64(claims), now));
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, reason(handToken("{\"alg\":\"none\"}", claims, SECRET), now));
        // other HMAC sizes and case games
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, reason(handToken("{\"alg\":\"HS512\"}", claims, SECRET), now));
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, reason(handToken("{\"alg\":\"hs256\"}", claims, SECRET), now));
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, reason(handToken("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", claims, SECRET), now));
        // wrong secret, unknown iss, missing iss
        assertEquals(Reason.BAD_SIGNATURE, reason(handToken("{\"alg\":\"HS256\"}", claims, SECRET + "x"), now));
        assertEquals(Reason.UNKNOWN_KEY, reason(handToken("{\"alg\":\"HS256\"}", claims.replace(KEY, "nobody"), SECRET), now));
        assertEquals(Reason.UNKNOWN_KEY, reason(handToken("{\"alg\":\"HS256\"}", "{\"exp\":" + (s + 600) + "}", SECRET), now));
        // payload swapped after signing (privilege escalation)
        String[] p = good.split("\\.");
        String tampered = p[0] + "." + b64(claims.replace("\"sub\":\"a\"", "\"sub\":\"admin\"")) + "." + p[2];
        assertEquals(Reason.BAD_SIGNATURE, reason(tampered, now));
        // RS256 token, and the HS256-with-RSA-public-key confusion
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(2048);
        KeyPair kp = kpg.generateKeyPair();
        String rs = JWT.create().withIssuer(KEY).withSubject("a").withExpiresAt(new Date(now + 600_000))
                .sign(Algorithm.RSA256((RSAPublicKey) kp.getPublic(), (java.security.interfaces.RSAPrivateKey) kp.getPrivate()));
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, reason(rs, now));
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertEquals(Reason.BAD_SIGNATURE, reason(handToken("{\"alg\":\"HS256\"}", claims, pem), now));
        // garbage
        for (String g : new String[] {"", "x", "a.b", "a.b.c", "..", "a..c", "a.b.c.d", good + "=", good.substring(0, good.length() - 2),
                b64("[]") + "." + b64(claims) + ".AA", b64("{\"alg\":\"HS256\"}") + "." + b64("not json") + ".AA",
                b64("{\"alg\":\"HS256\"}") + "." + b64(claims) + ".!!!", "Bearer " + good}) {
            AuthException e = assertThrows(AuthException.class, () -> verifier.verify(g, now), g);
            assertFalse(!g.isEmpty() && e.getMessage().contains(g), "message must not echo the token");
        }
        // wrong claim types are refused, not coerced
        assertEquals(Reason.MALFORMED, reason(handToken("{\"alg\":\"HS256\"}", claims.replace("\"roomJoin\":true", "\"roomJoin\":\"true\""), SECRET), now));
        assertEquals(Reason.MALFORMED, reason(handToken("{\"alg\":\"HS256\"}", claims.replace("\"exp\":" + (s + 600), "\"exp\":\"soon\""), SECRET), now));
        assertEquals(Reason.MALFORMED, reason(null, now));
    }

    @Test
    void messagesAreSafe() {
        long now = 1_700_000_000_000L;
        AuthException e = assertThrows(AuthException.class, () -> verifier.verify(handToken("{\"alg\":\"HS256\"}",
                "{\"iss\":\"zz\",\"exp\":1}", "secret"), now));
        assertEquals("invalid API key", e.getMessage());
        e = assertThrows(AuthException.class, () -> verifier.verify("garbage", now));
        assertEquals("invalid authorization token", e.getMessage());
    }

    @Test
    void issuedTokensRoundTripAndVerifyWithOtherLibraries() throws Exception {
        long now = System.currentTimeMillis();
        VideoGrant g = new VideoGrant(false, false, false, true, true, "room1", true, false, false,
                List.of("camera", "microphone"), true, false, false, false, false, false, "");
        AccessClaims in = new AccessClaims("alice", "Alice", "md", Map.of("k", "v"), "standard", g,
                "{\"name\":\"room1\",\"emptyTimeout\":60}", null, null, null, null);
        String jwt = TokenIssuer.issue(KEY, SECRET, in, now, Duration.ofMinutes(10));
        AccessClaims out = verifier.verify(jwt, now);
        assertEquals(g, out.video());
        assertEquals("alice", out.identity());
        assertEquals("Alice", out.name());
        assertEquals("md", out.metadata());
        assertEquals(Map.of("k", "v"), out.attributes());
        assertEquals("standard", out.kind());
        assertEquals("{\"name\":\"room1\",\"emptyTimeout\":60}", out.roomConfigJson());
        assertEquals(now / 1000 + 600, out.expiresAt().getEpochSecond());
        assertEquals(now / 1000, out.notBefore().getEpochSecond());
        assertEquals(Reason.EXPIRED, reason(jwt, now + 661_000));

        // auth0 java-jwt (what the Kotlin SDK uses)
        DecodedJWT d = JWT.require(Algorithm.HMAC256(SECRET)).withIssuer(KEY).build().verify(jwt);
        assertEquals("alice", d.getSubject());
        Map<String, Object> video = d.getClaim("video").asMap();
        assertEquals(true, video.get("roomJoin"));
        assertEquals("room1", video.get("room"));
        assertEquals(false, video.get("canSubscribe"));
        assertEquals(List.of("camera", "microphone"), video.get("canPublishSources"));
        // auth0 also accepts our short dev-secret tokens
        String dev = TokenIssuer.issue("devkey", "secret", AccessClaims.of("bob", "", VideoGrant.join("r")), now, Duration.ofMinutes(1));
        assertEquals("bob", JWT.require(Algorithm.HMAC256("secret")).withIssuer("devkey").build().verify(dev).getSubject());

        // jjwt, with a key long enough for it
        SecretKey k = Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));
        Claims jc = Jwts.parser().verifyWith(k).build().parseSignedClaims(jwt).getPayload();
        assertEquals(KEY, jc.getIssuer());
        assertEquals("Alice", jc.get("name"));
        // and a jjwt-made token verifies with ours
        String byJjwt = Jwts.builder().issuer(KEY).subject("carol").expiration(new Date(now + 60_000))
                .claim("video", Map.of("roomJoin", true, "room", "r2")).signWith(k, Jwts.SIG.HS256).compact();
        AccessClaims jj = verifier.verify(byJjwt, now);
        assertEquals("carol", jj.identity());
        assertEquals("r2", jj.video().room());
    }

    @Test
    void shortDevSecretIsAcceptedDeliberately() throws Exception {
        // jjwt refuses HMAC keys under 256 bits; livekit-server --dev uses "secret" (48 bits).
        assertThrows(io.jsonwebtoken.security.WeakKeyException.class,
                () -> Keys.hmacShaKeyFor("secret".getBytes(StandardCharsets.UTF_8)));
        long now = System.currentTimeMillis();
        String jwt = TokenIssuer.issue("devkey", "secret", AccessClaims.of("dev", "", VideoGrant.join("r")), now, Duration.ofMinutes(5));
        assertEquals("dev", verifier.verify(jwt, now).identity());
        // the 6-byte key still authenticates: one flipped secret byte fails
        assertEquals(Reason.BAD_SIGNATURE, reason(TokenIssuer.issue("devkey", "secreT", AccessClaims.of("dev", "", VideoGrant.join("r")), now, Duration.ofMinutes(5)), now));
    }

    @Test
    void bearerHeader() {
        assertEquals("abc", TokenVerifier.bearerToken("Bearer abc"));
        assertEquals("abc", TokenVerifier.bearerToken("bearer  abc "));
        assertNull(TokenVerifier.bearerToken("abc"));
        assertNull(TokenVerifier.bearerToken("Bearer "));
        assertNull(TokenVerifier.bearerToken(null));
    }
}
