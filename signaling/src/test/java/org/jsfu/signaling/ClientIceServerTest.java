package org.jsfu.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ICE servers clients are given: TURN URLs by protocol (RFC 7065), static credentials as configured, and
 * the TURN REST scheme's credentials for a shared secret, checked against answers from {@code openssl dgst
 * -sha1 -hmac north -binary | base64} (an independent HMAC-SHA1).
 */
class ClientIceServerTest {
    private static final long NOW = 1_700_000_000L;

    @Test
    void urlsFollowTheProtocol() {
        assertEquals(List.of("turn:turn.example.com:3478?transport=udp"),
                ClientIceServer.turn("turn.example.com", 3478, "udp", "u", "c", "", 0).urls());
        assertEquals(List.of("turn:turn.example.com:3478?transport=tcp"),
                ClientIceServer.turn("turn.example.com", 3478, "tcp", "u", "c", "", 0).urls());
        assertEquals(List.of("turns:turn.example.com:443?transport=tcp"),
                ClientIceServer.turn("turn.example.com", 443, "TLS", "u", "c", "", 0).urls());
        assertEquals(List.of("stun:stun.example.com:3478", "stun:127.0.0.1:19302"),
                ClientIceServer.stun(List.of("stun.example.com:3478", "127.0.0.1:19302")).urls());
        assertEquals(List.of("turn:[2001:db8::1]:3478?transport=udp"),
                ClientIceServer.turn("2001:db8::1", 3478, "udp", "u", "c", "", 0).urls(), "IPv6 in brackets");
    }

    @Test
    void staticCredentialsAreHandedOutAsConfigured() {
        ClientIceServer s = ClientIceServer.turn("t", 3478, "udp", "user", "pass", "", 0);
        assertEquals(new ClientIceServer.Credentials("user", "pass"), s.credentialsFor("PA_test", NOW));
        assertEquals(new ClientIceServer.Credentials("", ""),
                ClientIceServer.stun(List.of("s:1")).credentialsFor("PA_test", NOW));
    }

    @Test
    void aSecretGivesExpiryAndSidAsUsernameAndItsHmacAsCredential() {
        ClientIceServer fourHours = ClientIceServer.turn("t", 3478, "udp", "", "", "north", 0);
        assertEquals(new ClientIceServer.Credentials("1700014400:PA_test", "cwynh4qg1d9WUtQIXOsFEKDsOi8="),
                fourHours.credentialsFor("PA_test", NOW), "ttl 0: LiveKit's 4 hours");
        ClientIceServer tooLong = ClientIceServer.turn("t", 3478, "udp", "ignored", "ignored", "north", 999_999);
        assertEquals(new ClientIceServer.Credentials("1700086400:PA_test", "Jsbmc1xiuaLEWFvfeCua/t9Xzjw="),
                tooLong.credentialsFor("PA_test", NOW), "at most 24 hours");
        assertEquals("1700000600:PA_test",
                ClientIceServer.turn("t", 3478, "udp", "", "", "north", 600).credentialsFor("PA_test", NOW).username());
    }

    @Test
    void toStringShowsNoSecretNorCredential() {
        String s = ClientIceServer.turn("t", 3478, "udp", "user", "pass", "north", 0).toString()
                + ClientIceServer.turn("t", 3478, "udp", "user", "pass", "", 0);
        assertFalse(s.contains("north") || s.contains("pass"), s);
    }
}
