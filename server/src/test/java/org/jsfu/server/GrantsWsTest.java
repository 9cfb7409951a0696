package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishSources;
import io.livekit.server.CanSubscribe;
import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.Hidden;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Participant grants enforced on the signalling path: canPublish(+Sources), canSubscribe, hidden, limits. */
class GrantsWsTest {
    static TestServer server;
    static PublishOnOfferMedia media = new PublishOnOfferMedia();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("", media);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static LivekitRtc.SignalRequest addTrack(String cid, LivekitModels.TrackSource src) {
        return LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder().setCid(cid)
                .setType(src == LivekitModels.TrackSource.CAMERA ? LivekitModels.TrackType.VIDEO
                        : LivekitModels.TrackType.AUDIO).setSource(src)).build();
    }

    /** Everything received up to the pong of a ping sent now (the server answers in order). */
    static List<LivekitRtc.SignalResponse> drain(WsClient c) throws InterruptedException {
        List<LivekitRtc.SignalResponse> seen = new ArrayList<>();
        c.send(LivekitRtc.SignalRequest.newBuilder().setPing(1).build());
        c.await(r -> {
            seen.add(r);
            return r.getMessageCase() == PONG;
        }, 5000);
        return seen;
    }

    @Test
    void publishGrantsAreEnforced() throws Exception {
        try (WsClient noPub = WsClient.join(server, Tokens.token("viewer", new RoomJoin(true), new RoomName("g1"),
                new CanPublish(false)));
             WsClient micOnly = WsClient.join(server, Tokens.token("mic", new RoomJoin(true), new RoomName("g1"),
                     new CanPublishSources(List.of("microphone"))))) {
            LivekitRtc.JoinResponse j = noPub.await(JOIN).getJoin();
            assertFalse(j.getParticipant().getPermission().getCanPublish());
            assertFalse(j.getFastPublish());
            micOnly.await(JOIN);
            // add_track is ignored without the grant (Go does the same; the client times out)
            noPub.send(addTrack("c1", LivekitModels.TrackSource.MICROPHONE));
            Thread.sleep(200);
            assertTrue(drain(noPub).stream().noneMatch(LivekitRtc.SignalResponse::hasTrackPublished));
            micOnly.send(addTrack("cam", LivekitModels.TrackSource.CAMERA));
            micOnly.send(addTrack("mic", LivekitModels.TrackSource.MICROPHONE));
            LivekitRtc.TrackPublishedResponse tp = micOnly.await(TRACK_PUBLISHED).getTrackPublished();
            assertEquals("mic", tp.getCid());
            assertTrue(drain(micOnly).stream().noneMatch(LivekitRtc.SignalResponse::hasTrackPublished));
        }
    }

    @Test
    void canSubscribeFalseGetsNoSubscriptions() throws Exception {
        try (WsClient pub = WsClient.join(server, Tokens.token("pub", new RoomJoin(true), new RoomName("g2")));
             WsClient deaf = WsClient.join(server, Tokens.token("deaf", new RoomJoin(true), new RoomName("g2"),
                     new CanSubscribe(false)));
             WsClient fan = WsClient.join(server, Tokens.token("fan", new RoomJoin(true), new RoomName("g2")))) {
            pub.await(JOIN);
            assertFalse(deaf.await(JOIN).getJoin().getSubscriberPrimary());
            fan.await(JOIN);
            pub.send(addTrack("m", LivekitModels.TrackSource.MICROPHONE));
            String sid = pub.await(TRACK_PUBLISHED).getTrackPublished().getTrack().getSid();
            pub.send(LivekitRtc.SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                    .setType("offer").setSdp("v=0\r\n").setId(1)).build());
            assertTrue(media.waitFor("fan:subscribed:" + sid, 5000));
            assertFalse(media.calls.contains("deaf:subscribed:" + sid));
            // an explicit subscription request does not bypass the grant either
            deaf.send(LivekitRtc.SignalRequest.newBuilder().setSubscription(LivekitRtc.UpdateSubscription.newBuilder()
                    .addTrackSids(sid).setSubscribe(true)).build());
            drain(deaf);
            assertFalse(media.calls.contains("deaf:subscribed:" + sid));
        }
    }

    @Test
    void hiddenParticipantIsInvisible() throws Exception {
        try (WsClient a = WsClient.join(server, Tokens.token("visible", new RoomJoin(true), new RoomName("g3")));
             WsClient h = WsClient.join(server, Tokens.token("ghost", new RoomJoin(true), new RoomName("g3"),
                     new Hidden(true)))) {
            a.await(JOIN);
            assertEquals(1, h.await(JOIN).getJoin().getOtherParticipantsCount());
            try (WsClient b = WsClient.join(server, Tokens.token("late", new RoomJoin(true), new RoomName("g3")))) {
                LivekitRtc.JoinResponse jb = b.await(JOIN).getJoin();
                assertEquals(List.of("visible"), jb.getOtherParticipantsList().stream()
                        .map(LivekitModels.ParticipantInfo::getIdentity).toList());
            }
            h.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.getDefaultInstance()).build());
            h.closeCode.get(5, java.util.concurrent.TimeUnit.SECONDS);
            for (LivekitRtc.SignalResponse r : drain(a)) {
                if (r.hasUpdate()) {
                    assertTrue(r.getUpdate().getParticipantsList().stream().noneMatch(p -> p.getIdentity().equals("ghost")));
                }
            }
        }
    }

    @Test
    void oversizedOwnMetadataIsRefused() throws Exception {
        try (WsClient a = WsClient.join(server, Tokens.token("big-meta", new RoomJoin(true), new RoomName("g4"),
                new CanUpdateOwnMetadata(true)))) {
            a.await(JOIN);
            a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateMetadata(LivekitRtc.UpdateParticipantMetadata.newBuilder()
                    .setMetadata("x".repeat(600 * 1024)).setRequestId(5)).build());
            LivekitRtc.RequestResponse rr = a.await(REQUEST_RESPONSE).getRequestResponse();
            assertEquals(5, rr.getRequestId());
            assertEquals(LivekitRtc.RequestResponse.Reason.LIMIT_EXCEEDED, rr.getReason());
        }
    }
}
