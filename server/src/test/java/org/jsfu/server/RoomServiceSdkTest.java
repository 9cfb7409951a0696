package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import livekit.LivekitRtc;
import org.jsfu.core.room.RoomEgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import retrofit2.Response;

/** Every RoomService method through the official Kotlin server SDK (protobuf Twirp). */
class RoomServiceSdkTest {
    static TestServer server;
    static PublishOnOfferMedia media = new PublishOnOfferMedia();
    static RoomServiceClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("", media);
        client = RoomServiceClient.createClient(server.http(), TestServer.KEY, TestServer.SECRET);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static <T> T ok(retrofit2.Call<T> call) throws Exception {
        Response<T> r = call.execute();
        assertTrue(r.isSuccessful(), () -> "HTTP " + r.code() + " " + errorBody(r));
        return r.body();
    }

    static String errorBody(Response<?> r) {
        try {
            return r.errorBody() == null ? "" : r.errorBody().string();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void everyRoomServiceMethod() throws Exception {
        String room = "sdk-room";
        LivekitModels.Room created = ok(client.createRoom(room, 600, 10, null, "meta0"));
        assertTrue(created.getSid().matches("RM_[0-9A-Za-z]{12}"));
        assertEquals(600, created.getEmptyTimeout());
        assertEquals(10, created.getMaxParticipants());
        assertEquals(20, created.getDepartureTimeout());
        assertEquals("meta0", created.getMetadata());
        // CreateRoom on an existing room returns it unchanged
        assertEquals(created.getSid(), ok(client.createRoom(room)).getSid());
        assertTrue(ok(client.listRooms()).stream().anyMatch(r -> r.getSid().equals(created.getSid())));
        assertEquals(1, ok(client.listRooms(List.of(room))).size());
        assertEquals(0, ok(client.listRooms(List.of("nope"))).size());

        try (WsClient alice = WsClient.join(server, Tokens.token("alice", new RoomJoin(true), new RoomName(room)));
             WsClient bob = WsClient.join(server, Tokens.token("bob", new RoomJoin(true), new RoomName(room)))) {
            alice.await(JOIN);
            bob.await(JOIN);
            // alice publishes a microphone track: add_track, then her offer starts the media
            alice.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                    .setCid("mic-1").setName("mic").setType(LivekitModels.TrackType.AUDIO)
                    .setSource(LivekitModels.TrackSource.MICROPHONE)).build());
            LivekitRtc.TrackPublishedResponse tp = alice.await(TRACK_PUBLISHED).getTrackPublished();
            assertEquals("mic-1", tp.getCid());
            String trackSid = tp.getTrack().getSid();
            assertTrue(trackSid.matches("TR_[0-9A-Za-z]{12}"));
            alice.send(LivekitRtc.SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                    .setType("offer").setSdp("v=0\r\n").setId(3)).build());
            assertEquals(3, alice.await(ANSWER).getAnswer().getId());
            assertTrue(media.waitFor("bob:subscribed:" + trackSid, 5000));
            bob.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getTracksCount() == 1, 5000);

            List<LivekitModels.ParticipantInfo> ps = ok(client.listParticipants(room));
            assertEquals(2, ps.size());
            LivekitModels.ParticipantInfo a = ok(client.getParticipant(room, "alice"));
            assertEquals("alice", a.getIdentity());
            assertEquals(1, a.getTracksCount());
            assertTrue(a.getJoinedAt() > 0);

            LivekitModels.TrackInfo muted = ok(client.mutePublishedTrack(room, "alice", trackSid, true));
            assertTrue(muted.getMuted());
            assertTrue(alice.await(MUTE).getMute().getMuted());

            LivekitModels.ParticipantInfo upd = ok(client.updateParticipant(room, "bob", "Bobby", "bob-meta", null,
                    Map.of("k", "v")));
            assertEquals("bob-meta", upd.getMetadata());
            assertEquals("Bobby", upd.getName());
            assertEquals("v", upd.getAttributesMap().get("k"));
            alice.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getMetadata().equals("bob-meta"), 5000);

            // permission change through UpdateParticipant: bob may no longer subscribe
            LivekitModels.ParticipantPermission noSub = LivekitModels.ParticipantPermission.newBuilder()
                    .setCanPublish(true).setCanSubscribe(false).build();
            assertFalse(ok(client.updateParticipant(room, "bob", null, null, noSub)).getPermission().getCanSubscribe());
            assertTrue(media.waitFor("bob:unsubscribed:" + trackSid, 5000));
            LivekitModels.ParticipantPermission sub = noSub.toBuilder().setCanSubscribe(true).build();
            ok(client.updateParticipant(room, "bob", null, null, sub));

            media.calls.clear();
            ok(client.updateSubscriptions(room, "bob", List.of(trackSid), true));
            assertTrue(media.waitFor("bob:subscribed:" + trackSid, 5000));
            ok(client.updateSubscriptions(room, "bob", List.of(trackSid), false));
            assertTrue(media.waitFor("bob:unsubscribed:" + trackSid, 5000));

            ok(client.sendData(room, "hello".getBytes(), LivekitModels.DataPacket.Kind.RELIABLE, List.of(),
                    List.of("bob")));
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("bob:data:true:")));
            assertTrue(media.calls.stream().noneMatch(c -> c.startsWith("alice:data:")));

            LivekitModels.Room rm = ok(client.updateRoomMetadata(room, "room-meta"));
            assertEquals("room-meta", rm.getMetadata());
            assertEquals("room-meta", bob.await(ROOM_UPDATE).getRoomUpdate().getRoom().getMetadata());

            ok(client.removeParticipant(room, "bob"));
            assertEquals(LivekitModels.DisconnectReason.PARTICIPANT_REMOVED, bob.await(LEAVE).getLeave().getReason());
            assertEquals(1, ok(client.listParticipants(room)).size());

            Response<LivekitModels.ParticipantInfo> missing = client.getParticipant(room, "bob").execute();
            assertEquals(404, missing.code());
            assertTrue(errorBody(missing).contains("not_found"));

            ok(client.deleteRoom(room));
            assertEquals(LivekitModels.DisconnectReason.ROOM_DELETED, alice.await(LEAVE).getLeave().getReason());
            assertEquals(0, ok(client.listRooms(List.of(room))).size());
            assertEquals(404, client.deleteRoom(room).execute().code());
        }
    }

    @Test
    void createRoomKeepsEgressConfigAndJsonWorks() throws Exception {
        LivekitRoom.CreateRoomRequest req = LivekitRoom.CreateRoomRequest.newBuilder().setName("egress-room")
                .setEmptyTimeout(300)
                .setEgress(LivekitRoom.RoomEgress.newBuilder().setTracks(LivekitEgress.AutoTrackEgress.newBuilder()
                        .setFilepath("livekit/{room_name}/{publisher_identity}-{time}")
                        .setS3(LivekitEgress.S3Upload.newBuilder().setAccessKey("ak").setSecret("sk").setBucket("b")
                                .setRegion("garage").setEndpoint("http://127.0.0.1:9").setForcePathStyle(true))))
                .build();
        String admin = Tokens.token(null, new io.livekit.server.RoomCreate(true), new io.livekit.server.RoomList(true));
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.http() + "/twirp/livekit.RoomService/CreateRoom"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/protobuf", r.headers().firstValue("content-type").orElse(""));
        RoomEgress eg = server.server.rooms().withRoom("egress-room", rm -> rm.egress()).get(5, TimeUnit.SECONDS);
        assertEquals("livekit/{room_name}/{publisher_identity}-{time}", eg.tracks().filepath());
        assertEquals("b", eg.tracks().s3().bucket());
        assertTrue(eg.tracks().s3().forcePathStyle());

        // JSON (Node SDK style: lowerCamelCase in, proto names out), unknown fields ignored
        HttpResponse<String> j = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.http() + "/twirp/livekit.RoomService/ListRooms"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"names\":[\"egress-room\"],\"futureField\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, j.statusCode(), j.body());
        assertTrue(j.body().contains("\"empty_timeout\":300"), j.body());
        assertTrue(j.body().contains("\"name\":\"egress-room\""), j.body());
    }
}
