package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.signaling.auth.AccessClaims;
import org.jsfu.signaling.auth.TokenVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drives /rtc with real SignalRequest protobufs over a WebSocket. */
class SignalWsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("", null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String tok(String identity, String room, boolean updateMeta) {
        return updateMeta
                ? Tokens.token(identity, new RoomJoin(true), new RoomName(room), new CanUpdateOwnMetadata(true))
                : Tokens.token(identity, new RoomJoin(true), new RoomName(room));
    }

    @Test
    void twoParticipantsJoinSeeEachOtherAndLeave() throws Exception {
        try (WsClient a = WsClient.join(server, tok("alice", "ws-room", true))) {
            LivekitRtc.JoinResponse ja = a.await(JOIN).getJoin();
            assertTrue(ja.getRoom().getSid().matches("RM_[0-9A-Za-z]{12}"));
            assertEquals("ws-room", ja.getRoom().getName());
            assertTrue(ja.getParticipant().getSid().startsWith("PA_"));
            assertEquals("alice", ja.getParticipant().getIdentity());
            assertTrue(ja.getParticipant().getPermission().getCanPublish());
            assertTrue(ja.getParticipant().getPermission().getCanUpdateMetadata());
            assertEquals(2, ja.getParticipant().getClientProtocol());
            assertEquals("1.9.0", ja.getServerVersion());
            assertEquals(17, ja.getServerInfo().getProtocol());
            assertEquals(5, ja.getPingInterval());
            assertEquals(15, ja.getPingTimeout());
            assertTrue(ja.getSubscriberPrimary());
            assertTrue(ja.getFastPublish());
            assertEquals(0, ja.getOtherParticipantsCount());

            try (WsClient b = WsClient.join(server, tok("bob", "ws-room", false))) {
                LivekitRtc.JoinResponse jb = b.await(JOIN).getJoin();
                assertEquals(1, jb.getOtherParticipantsCount());
                assertEquals("alice", jb.getOtherParticipants(0).getIdentity());
                assertEquals(ja.getRoom().getSid(), jb.getRoom().getSid());
                a.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getIdentity().equals("bob"), 5000);

                // metadata change by alice (granted) reaches bob
                a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateMetadata(
                        LivekitRtc.UpdateParticipantMetadata.newBuilder().setMetadata("m1").setRequestId(7)).build());
                LivekitModels.ParticipantInfo seen = b.await(r -> r.hasUpdate()
                        && r.getUpdate().getParticipants(0).getMetadata().equals("m1"), 5000).getUpdate().getParticipants(0);
                assertEquals("alice", seen.getIdentity());

                // bob has no canUpdateOwnMetadata: NOT_ALLOWED
                b.send(LivekitRtc.SignalRequest.newBuilder().setUpdateMetadata(
                        LivekitRtc.UpdateParticipantMetadata.newBuilder().setMetadata("nope").setRequestId(9)).build());
                LivekitRtc.RequestResponse rr = b.await(REQUEST_RESPONSE).getRequestResponse();
                assertEquals(9, rr.getRequestId());
                assertEquals(LivekitRtc.RequestResponse.Reason.NOT_ALLOWED, rr.getReason());

                // bob leaves: alice sees DISCONNECTED with a higher version
                b.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
                        .setReason(LivekitModels.DisconnectReason.CLIENT_INITIATED)).build());
                LivekitModels.ParticipantInfo gone = a.await(r -> r.hasUpdate()
                        && r.getUpdate().getParticipants(0).getIdentity().equals("bob")
                        && r.getUpdate().getParticipants(0).getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED,
                        5000).getUpdate().getParticipants(0);
                assertTrue(gone.getVersion() > jb.getParticipant().getVersion());
            }
        }
    }

    @Test
    void requestsSentRightAfterConnectingAreNotLost() throws Exception {
        // A client may send add_track before the server finished registering its join (fast_publish);
        // those requests are kept and handled once the join completes.
        for (int i = 0; i < 5; i++) {
            try (WsClient a = WsClient.join(server, tok("early" + i, "early-room-" + i, false))) {
                a.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                        .setCid("mic-" + i).setType(livekit.LivekitModels.TrackType.AUDIO)
                        .setSource(livekit.LivekitModels.TrackSource.MICROPHONE)).build());
                a.await(JOIN);
                assertEquals("mic-" + i, a.await(TRACK_PUBLISHED).getTrackPublished().getCid());
            }
        }
    }

    @Test
    void pingPongAndRefreshToken() throws Exception {
        try (WsClient a = WsClient.join(server, tok("pinger", "ping-room", false))) {
            a.await(JOIN);
            String refreshed = a.await(REFRESH_TOKEN).getRefreshToken();
            AccessClaims c = new TokenVerifier(Map.of(TestServer.KEY, TestServer.SECRET))
                    .verify(refreshed, System.currentTimeMillis());
            assertEquals("pinger", c.identity());
            assertEquals("ping-room", c.video().room());
            assertTrue(c.video().roomJoin());

            long t = System.currentTimeMillis();
            a.send(LivekitRtc.SignalRequest.newBuilder().setPing(t).build());
            a.send(LivekitRtc.SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder().setTimestamp(t).setRtt(3))
                    .build());
            assertTrue(a.await(PONG).getPong() >= t);
            LivekitRtc.Pong pr = a.await(PONG_RESP).getPongResp();
            assertEquals(t, pr.getLastPingTimestamp());
            assertTrue(pr.getTimestamp() >= t);
        }
    }

    @Test
    void duplicateIdentityReplacesOldSession() throws Exception {
        try (WsClient first = WsClient.join(server, tok("dup", "dup-room", false))) {
            String sid1 = first.await(JOIN).getJoin().getParticipant().getSid();
            try (WsClient second = WsClient.join(server, tok("dup", "dup-room", false))) {
                String sid2 = second.await(JOIN).getJoin().getParticipant().getSid();
                assertNotEquals(sid1, sid2);
                LivekitRtc.LeaveRequest leave = first.await(LEAVE).getLeave();
                assertEquals(LivekitModels.DisconnectReason.DUPLICATE_IDENTITY, leave.getReason());
                assertEquals(LivekitRtc.LeaveRequest.Action.DISCONNECT, leave.getAction());
                assertEquals(1000, first.closeCode.get(5, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void jsonTextFramesAreAnsweredInJson() throws Exception {
        try (WsClient a = WsClient.join(server, tok("jsonista", "json-room", false))) {
            a.await(JOIN);
            a.ws.sendText("{\"ping\":\"1234\"}", true).join();
            String text = a.texts.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(text);
            assertTrue(text.contains("\"pong\""), text);
        }
    }

    @Test
    void garbageFramesAreIgnoredAndSessionContinues() throws Exception {
        try (WsClient a = WsClient.join(server, tok("fuzzer", "fuzz-room", false))) {
            a.await(JOIN);
            a.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02}), true).join();
            a.ws.sendText("{not json", true).join();
            a.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {0x0a, (byte) 0xff}), true).join();
            a.send(LivekitRtc.SignalRequest.newBuilder().setPing(42).build());
            assertTrue(a.await(PONG).getPong() > 0);
        }
    }

    @Test
    void resumeIsAnsweredWithLeaveReconnect() throws Exception {
        try (WsClient a = WsClient.connect(server.ws(), "access_token=" + tok("resumer", "res-room", false)
                + "&reconnect=1&sid=PA_unknown&protocol=17")) {
            LivekitRtc.SignalResponse first = a.await(r -> true, 5000);
            assertTrue(first.hasLeave());
            assertEquals(LivekitRtc.LeaveRequest.Action.RECONNECT, first.getLeave().getAction());
        }
    }
}
