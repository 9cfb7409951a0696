package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.JOIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import livekit.LivekitRtc;
import org.junit.jupiter.api.Test;

/**
 * JoinResponse.ice_servers from rtc.turn_servers and rtc.stun_servers, through the real server: a static TLS
 * TURN server as configured, a secret-based one with credentials made for this participant (its sid, an
 * expiry 4 hours ahead), the STUN servers as one entry; none when nothing is configured.
 */
class IceServersWsTest {
    @Test
    void joinResponseCarriesTheConfiguredIceServers() throws Exception {
        String rtc = "rtc:\n  stun_servers: [\"stun:stun.example.com:3478\"]\n  turn_servers:\n"
                + "    - {host: turn.example.com, port: 443, protocol: tls, username: user, credential: pass}\n"
                + "    - {host: 127.0.0.1, port: 3478, protocol: udp, secret: north}\n";
        try (TestServer s = TestServer.start(rtc, null);
             WsClient ws = WsClient.join(s, Tokens.token("a", new RoomJoin(true), new RoomName("ice")))) {
            LivekitRtc.JoinResponse j = ws.await(JOIN).getJoin();
            long now = System.currentTimeMillis() / 1000;
            List<LivekitRtc.ICEServer> ice = j.getIceServersList();
            assertEquals(3, ice.size(), ice.toString());
            assertEquals(List.of("turns:turn.example.com:443?transport=tcp"), ice.get(0).getUrlsList());
            assertEquals("user", ice.get(0).getUsername());
            assertEquals("pass", ice.get(0).getCredential());
            assertEquals(List.of("turn:127.0.0.1:3478?transport=udp"), ice.get(1).getUrlsList());
            String[] user = ice.get(1).getUsername().split(":", 2);
            assertEquals(j.getParticipant().getSid(), user[1]);
            long expiry = Long.parseLong(user[0]);
            assertTrue(Math.abs(expiry - (now + 4 * 3600)) <= 5, "expiry " + expiry + " now " + now);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec("north".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(ice.get(1).getUsername()
                    .getBytes(StandardCharsets.UTF_8))), ice.get(1).getCredential());
            assertEquals(List.of("stun:stun.example.com:3478"), ice.get(2).getUrlsList());
            assertEquals("", ice.get(2).getUsername());
        }
    }

    @Test
    void withoutTurnOrStunServersNoneIsSent() throws Exception {
        try (TestServer s = TestServer.start("", null);
             WsClient ws = WsClient.join(s, Tokens.token("a", new RoomJoin(true), new RoomName("plain")))) {
            assertEquals(0, ws.await(JOIN).getJoin().getIceServersCount());
        }
    }
}
