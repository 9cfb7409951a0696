package org.jsfu.server;

import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jsfu.signaling.auth.AccessClaims;
import org.jsfu.signaling.auth.TokenIssuer;
import org.jsfu.signaling.auth.VideoGrant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input from security-notes.md: bad tokens, grant escalation, oversized frames and bodies,
 * garbage protobuf. Each gets LiveKit's answer and the server keeps serving.
 */
class AttackTest {
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("", null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void stillServing() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.http() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("OK", r.body());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String issued(String key, String secret, VideoGrant g, long nowMs, Duration ttl) {
        return TokenIssuer.issue(key, secret, AccessClaims.of("mallory", "", g), nowMs, ttl);
    }

    static List<String> badTokens() {
        long now = System.currentTimeMillis();
        VideoGrant join = VideoGrant.join("attack-room");
        String payload = "{\"iss\":\"devkey\",\"sub\":\"mallory\",\"exp\":" + (now / 1000 + 600)
                + ",\"video\":{\"roomJoin\":true,\"room\":\"attack-room\"}}";
        return List.of(
                b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".",          // alg none
                issued("devkey", "not-the-secret", join, now, Duration.ofMinutes(10)),         // wrong secret
                issued("devkey", "secret", join, now - 3_600_000, Duration.ofMinutes(10)),      // expired
                issued("devkey", "secret", join, now + 3_600_000, Duration.ofMinutes(10)),      // nbf in the future
                issued("otherkey", "secret", join, now, Duration.ofMinutes(10)),                // unknown iss
                "not.a.jwt");
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.http() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> twirp(String method, String token, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http() + "/twirp/livekit.RoomService/" + method))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int wsStatus(String query) throws Exception {
        try {
            WsClient c = WsClient.connect(server.ws(), query);
            c.close();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void badTokensAreRefusedEverywhere() throws Exception {
        for (String t : badTokens()) {
            HttpResponse<String> v = get("/rtc/validate?access_token=" + t);
            assertEquals(401, v.statusCode(), t);
            assertFalse(v.body().contains(t), "token echoed");
            assertEquals(401, wsStatus("access_token=" + t));
            HttpResponse<String> tw = twirp("ListRooms", t, "application/json", "{}".getBytes());
            assertEquals(401, tw.statusCode());
            assertTrue(tw.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        }
        // the same request with a good token passes, so the refusals above are about the tokens
        assertEquals(200, get("/rtc/validate?access_token="
                + Tokens.token("ok", new RoomJoin(true), new RoomName("attack-room"))).statusCode());
    }

    @Test
    void missingRoomJoinOrIdentityIsRefused() throws Exception {
        HttpResponse<String> noJoin = get("/rtc/validate?access_token=" + Tokens.token("x", new RoomName("r")));
        assertEquals(401, noJoin.statusCode());
        assertEquals("permissions denied", noJoin.body());
        assertEquals(401, wsStatus("access_token=" + Tokens.token("x", new RoomName("r"))));
        HttpResponse<String> noIdentity = get("/rtc/validate?access_token="
                + TokenIssuer.issue("devkey", "secret", AccessClaims.of("", "", VideoGrant.join("r")),
                        System.currentTimeMillis(), Duration.ofMinutes(5)));
        assertEquals(400, noIdentity.statusCode());
        HttpResponse<String> longRoom = get("/rtc/validate?access_token="
                + Tokens.token("x", new RoomJoin(true), new RoomName("r".repeat(300))));
        assertEquals(400, longRoom.statusCode());
        // bearer header is accepted as well (checked before the query)
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(server.http() + "/rtc/validate"))
                .header("Authorization", "Bearer " + Tokens.token("x", new RoomJoin(true), new RoomName("r"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bearer.statusCode());
        assertEquals("success", bearer.body());
    }

    @Test
    void adminOfRoomACannotTouchRoomB() throws Exception {
        String adminA = Tokens.token(null, new RoomAdmin(true), new RoomName("room-a"));
        String joinA = Tokens.token("joiner", new RoomJoin(true), new RoomName("room-a"));
        String[][] calls = {
                {"ListParticipants", "{\"room\":\"room-b\"}"},
                {"GetParticipant", "{\"room\":\"room-b\",\"identity\":\"x\"}"},
                {"RemoveParticipant", "{\"room\":\"room-b\",\"identity\":\"x\"}"},
                {"MutePublishedTrack", "{\"room\":\"room-b\",\"identity\":\"x\",\"trackSid\":\"TR_x\",\"muted\":true}"},
                {"UpdateParticipant", "{\"room\":\"room-b\",\"identity\":\"x\",\"metadata\":\"m\"}"},
                {"UpdateSubscriptions", "{\"room\":\"room-b\",\"identity\":\"x\",\"trackSids\":[\"TR_x\"]}"},
                {"SendData", "{\"room\":\"room-b\",\"data\":\"aGk=\",\"kind\":\"RELIABLE\"}"},
                {"UpdateRoomMetadata", "{\"room\":\"room-b\",\"metadata\":\"m\"}"},
                {"MoveParticipant", "{\"room\":\"room-a\",\"identity\":\"x\",\"destinationRoom\":\"room-b\"}"},
        };
        for (String[] c : calls) {
            for (String tok : new String[] {adminA, joinA, null}) {
                HttpResponse<String> r = twirp(c[0], tok, "application/json", c[1].getBytes());
                assertEquals(401, r.statusCode(), c[0]);
                assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
                assertTrue(r.body().contains("\"code\":\"unauthenticated\""), r.body());
            }
        }
        // no roomCreate / roomList: CreateRoom, DeleteRoom and ListRooms refused
        for (String m : new String[] {"CreateRoom", "DeleteRoom", "ListRooms"}) {
            assertEquals(401, twirp(m, adminA, "application/json", "{\"name\":\"x\",\"room\":\"room-a\"}".getBytes())
                    .statusCode(), m);
        }
        // the admin may act on its own room (not found, since it does not exist: not a grant failure)
        assertEquals(404, twirp("ListParticipants", adminA, "application/json", "{\"room\":\"room-a\"}".getBytes())
                .statusCode());
    }

    @Test
    void oversizedNamesAndMetadataAreInvalidArgument() throws Exception {
        String creator = Tokens.token(null, new io.livekit.server.RoomCreate(true));
        HttpResponse<String> longName = twirp("CreateRoom", creator, "application/json",
                ("{\"name\":\"" + "n".repeat(300) + "\"}").getBytes());
        assertEquals(400, longName.statusCode());
        assertTrue(longName.body().contains("invalid_argument"));
        HttpResponse<String> bigMeta = twirp("CreateRoom", creator, "application/json",
                ("{\"name\":\"meta-room\",\"metadata\":\"" + "m".repeat(600 * 1024) + "\"}").getBytes());
        assertEquals(400, bigMeta.statusCode());
        assertTrue(bigMeta.body().contains("invalid_argument"));
        String admin = Tokens.token(null, new RoomAdmin(true), new RoomName("meta-room"));
        HttpResponse<String> bigRoomMeta = twirp("UpdateRoomMetadata", admin, "application/json",
                ("{\"room\":\"meta-room\",\"metadata\":\"" + "m".repeat(600 * 1024) + "\"}").getBytes());
        assertEquals(400, bigRoomMeta.statusCode());
    }

    @Test
    void garbageProtobufAndBadRoutes() throws Exception {
        String creator = Tokens.token(null, new io.livekit.server.RoomCreate(true));
        HttpResponse<String> r = twirp("CreateRoom", creator, "application/protobuf",
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01});
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("malformed"));
        assertEquals(400, twirp("CreateRoom", creator, "application/json", "{\"name\":".getBytes()).statusCode());
        HttpResponse<String> unknown = twirp("NoSuchMethod", creator, "application/json", "{}".getBytes());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("bad_route"));
        HttpResponse<String> get = get("/twirp/livekit.RoomService/ListRooms");
        assertEquals(404, get.statusCode());
    }

    @Test
    void apiBodiesOverTenMebibytesAreRefused() throws Exception {
        String creator = Tokens.token(null, new io.livekit.server.RoomCreate(true));
        // honest Content-Length over the limit
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /twirp/livekit.RoomService/CreateRoom HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + creator
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (11 * 1024 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(statusLine(s.getInputStream()).contains(" 413 "));
        }
        // chunked body without any length: the aggregator stops it at the limit
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /twirp/livekit.RoomService/CreateRoom HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + creator
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 12; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (java.io.IOException closedByServer) {
                // the server may close the connection while we are still sending
            }
            assertTrue(statusLine(s.getInputStream()).contains(" 413 "));
        }
    }

    private static String statusLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void oversizedWebSocketFrameClosesWith1009() throws Exception {
        String t = Tokens.token("big", new RoomJoin(true), new RoomName("big-room"));
        WsClient c = WsClient.join(server, t);
        c.await(livekit.LivekitRtc.SignalResponse.MessageCase.JOIN);
        try {
            c.ws.sendBinary(ByteBuffer.wrap(new byte[3 * 1024 * 1024]), true).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            // the server may already be closing
        }
        assertEquals(1009, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void frameOverLimitAfterDecompressionClosesWith1009() throws Exception {
        String t = Tokens.token("zip", new RoomJoin(true), new RoomName("zip-room"));
        try (DeflateWsClient c = new DeflateWsClient(URI.create(server.ws() + "/rtc?access_token=" + t + "&protocol=17"))) {
            assertTrue(c.deflateNegotiated.get(5, TimeUnit.SECONDS), "permessage-deflate not negotiated");
            // 3 MiB of zeros compresses to a few KiB on the wire, under the 2 MiB frame limit
            c.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[3 * 1024 * 1024])));
            assertEquals(1009, c.closeCode.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void secondServerOnTheSamePortFailsCleanly() {
        int before = Thread.activeCount();
        String yaml = "port: " + server.port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  devkey: secret\n";
        assertThrows(java.net.BindException.class, () -> JsfuServer.start(
                org.jsfu.conf.ConfigLoader.load(new String[] {"--config-body", yaml}, java.util.Map.of())));
        // its event loop threads are gone again (allow a little slack for unrelated threads)
        long deadline = System.currentTimeMillis() + 3000;
        while (Thread.activeCount() > before + 2 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(Thread.activeCount() <= before + 2, "threads left: " + Thread.activeCount() + " vs " + before);
    }
}
