package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import org.junit.jupiter.api.Test;

/** auto_create, the token's roomConfig, max_participants and empty_timeout through the real server. */
class RoomLifecycleTest {

    @Test
    void autoCreateOffNeedsCreateRoom() throws Exception {
        try (TestServer s = TestServer.start("room:\n  auto_create: false\n", null)) {
            String t = Tokens.token("a", new RoomJoin(true), new RoomName("managed"));
            HttpResponse<String> v = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.http() + "/rtc/validate?access_token=" + t)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, v.statusCode());
            assertEquals("requested room does not exist", v.body());
            RoomServiceClient c = RoomServiceClient.createClient(s.http(), TestServer.KEY, TestServer.SECRET);
            assertTrue(c.createRoom("managed").execute().isSuccessful());
            try (WsClient ws = WsClient.join(s, t)) {
                assertEquals("managed", ws.await(JOIN).getJoin().getRoom().getName());
            }
        }
    }

    @Test
    void tokenRoomConfigAppliesWhenTheJoinCreatesTheRoom() throws Exception {
        try (TestServer s = TestServer.start("", null)) {
            AccessToken at = new AccessToken(TestServer.KEY, TestServer.SECRET);
            at.setIdentity("cfg");
            at.addGrants(new RoomJoin(true), new RoomName("configured"));
            at.setRoomConfiguration(LivekitRoom.RoomConfiguration.newBuilder().setEmptyTimeout(77)
                    .setDepartureTimeout(9).setMaxParticipants(1).build());
            try (WsClient ws = WsClient.join(s, at.toJwt())) {
                LivekitModels.Room r = ws.await(JOIN).getJoin().getRoom();
                assertEquals(77, r.getEmptyTimeout());
                assertEquals(9, r.getDepartureTimeout());
                assertEquals(1, r.getMaxParticipants());
                // max_participants = 1: a second identity is refused with leave JOIN_FAILURE
                try (WsClient second = WsClient.join(s, Tokens.token("other", new RoomJoin(true),
                        new RoomName("configured")))) {
                    assertEquals(LivekitModels.DisconnectReason.JOIN_FAILURE,
                            second.await(LEAVE).getLeave().getReason());
                }
            }
        }
    }

    @Test
    void emptyRoomClosesAfterEmptyTimeout() throws Exception {
        try (TestServer s = TestServer.start("", null)) {
            RoomServiceClient c = RoomServiceClient.createClient(s.http(), TestServer.KEY, TestServer.SECRET);
            assertTrue(c.createRoom("short-lived", 1).execute().isSuccessful());
            assertEquals(1, c.listRooms(List.of("short-lived")).execute().body().size());
            Thread.sleep(1600);
            assertEquals(0, c.listRooms(List.of("short-lived")).execute().body().size());
        }
    }
}
