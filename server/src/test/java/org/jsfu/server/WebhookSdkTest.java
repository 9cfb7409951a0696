package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.WebhookReceiver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.Test;

/** Webhooks from a real server, verified with the Kotlin SDK's WebhookReceiver. */
class WebhookSdkTest {

    @Test
    void roomLifecycleEventsAreSignedAndOrdered() throws Exception {
        List<LivekitWebhook.WebhookEvent> events = new CopyOnWriteArrayList<>();
        List<String> rejected = new CopyOnWriteArrayList<>();
        WebhookReceiver receiver = new WebhookReceiver(TestServer.KEY, TestServer.SECRET);
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            try {
                assertEquals("application/webhook+json", ex.getRequestHeaders().getFirst("Content-Type"));
                events.add(receiver.receive(body, auth));
                ex.sendResponseHeaders(200, -1);
            } catch (Throwable t) {
                rejected.add(t.toString());
                ex.sendResponseHeaders(401, -1);
            }
            ex.close();
        });
        hook.start();
        PublishOnOfferMedia media = new PublishOnOfferMedia();
        String yaml = "webhook:\n  api_key: " + TestServer.KEY + "\n  urls:\n    - http://127.0.0.1:"
                + hook.getAddress().getPort() + "/hook\n"
                + "room:\n  departure_timeout: 1\n";
        try (TestServer server = TestServer.start(yaml, media)) {
            String trackSid;
            try (WsClient alice = WsClient.join(server, Tokens.token("alice", new RoomJoin(true), new RoomName("hook-room")))) {
                alice.await(JOIN);
                alice.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                        .setCid("c1").setType(LivekitModels.TrackType.AUDIO)
                        .setSource(LivekitModels.TrackSource.MICROPHONE)).build());
                trackSid = alice.await(TRACK_PUBLISHED).getTrackPublished().getTrack().getSid();
                alice.send(LivekitRtc.SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                        .setType("offer").setSdp("v=0\r\n").setId(1)).build());
                alice.await(ANSWER);
                alice.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.getDefaultInstance())
                        .build());
                alice.closeCode.get(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            long end = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < end
                    && events.stream().noneMatch(e -> e.getEvent().equals("room_finished"))) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), rejected);
            List<String> names = events.stream().map(LivekitWebhook.WebhookEvent::getEvent).toList();
            assertEquals(List.of("room_started", "participant_joined", "track_published", "track_unpublished",
                    "participant_left", "room_finished"), names);
            for (LivekitWebhook.WebhookEvent e : events) {
                assertEquals("hook-room", e.getRoom().getName());
                assertTrue(e.getRoom().getSid().startsWith("RM_"));
                assertTrue(e.getId().startsWith("EV_"));
                assertTrue(Math.abs(e.getCreatedAt() - System.currentTimeMillis() / 1000) < 60);
            }
            assertEquals("alice", events.get(1).getParticipant().getIdentity());
            assertEquals(trackSid, events.get(2).getTrack().getSid());
            assertEquals(trackSid, events.get(3).getTrack().getSid());
            assertEquals("alice", events.get(4).getParticipant().getIdentity());
        } finally {
            hook.stop(0);
        }
    }
}
