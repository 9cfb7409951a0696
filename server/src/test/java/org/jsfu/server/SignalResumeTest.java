package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.*;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitWebhook;
import org.jsfu.core.room.Participant;
import org.jsfu.server.testparts.WebhookSink;
import org.junit.jupiter.api.Test;

/**
 * livekit-client's resume (livekit-protocol.md 2.8) over raw WebSockets: a participant whose media is
 * connected outlives its signalling socket, and {@code /rtc?reconnect=1&sid=...} takes it back with
 * {@code reconnect} first, then {@code update} and {@code room_update}, then what was held.
 */
class SignalResumeTest {

    private static String token(String identity, String room) {
        return Tokens.token(identity, new RoomJoin(true), new RoomName(room), new CanUpdateOwnMetadata(true));
    }

    private static WsClient resume(TestServer s, String token, String sid, int reason) throws Exception {
        return WsClient.connect(s.ws(), "access_token=" + token + "&protocol=17&client_protocol=2&sdk=js"
                + "&version=2.23.0&reconnect=1&sid=" + sid + "&reconnect_reason=" + reason);
    }

    private static LivekitRtc.SignalResponse first(WsClient c) throws InterruptedException {
        LivekitRtc.SignalResponse r = c.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(r, "no first frame");
        return r;
    }

    private static LivekitWebhook.WebhookEvent awaitEvent(WebhookSink hook, Predicate<LivekitWebhook.WebhookEvent> p)
            throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            for (LivekitWebhook.WebhookEvent e : hook.events) {
                if (p.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such webhook event in " + hook.events);
    }

    private static String hookYaml(WebhookSink hook, int resumeTimeout) {
        return "webhook:\n  api_key: " + TestServer.KEY + "\n  urls:\n    - " + hook.url() + "\n"
                + "room:\n  resume_timeout: " + resumeTimeout + "\n";
    }

    /** Whether {@code identity} is a live participant of {@code room}, read on the room's loop. */
    private static String sidOf(TestServer s, String room, String identity) throws Exception {
        return s.server.rooms().withRoom(room, r -> {
            Participant p = r.participant(identity);
            return p == null ? null : p.sid();
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void resumeAfterCloseGetsReconnectThenUpdateThenHeldMessages() throws Exception {
        PublishOnOfferMedia media = new PublishOnOfferMedia(true);
        try (WebhookSink hook = WebhookSink.start(TestServer.KEY, TestServer.SECRET);
             TestServer s = TestServer.start(hookYaml(hook, 60) + "rtc:\n  turn_servers: [{host: 127.0.0.1, secret: north}]\n",
                     media);
             WsClient b = WsClient.join(s, token("b", "resume"))) {
            b.await(JOIN);
            WsClient a = WsClient.join(s, token("a", "resume"));
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            a.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                    .setCid("mic").setType(LivekitModels.TrackType.AUDIO)
                    .setSource(LivekitModels.TrackSource.MICROPHONE)).build());
            String trackSid = a.await(TRACK_PUBLISHED).getTrackPublished().getTrack().getSid();
            a.send(LivekitRtc.SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                    .setType("offer").setSdp("v=0\r\n").setId(1)).build());
            a.await(ANSWER);
            // a reliable data packet with sequence 7 reaches the server (the media plane hands it over)
            byte[] pkt = LivekitModels.DataPacket.newBuilder().setSequence(7).setUser(LivekitModels.UserPacket
                    .newBuilder().setPayload(com.google.protobuf.ByteString.copyFromUtf8("hi"))).build().toByteArray();
            s.server.rooms().withRoom("resume", r -> r.participant("a").onClientData(pkt, 0, pkt.length, true))
                    .get(5, TimeUnit.SECONDS);

            a.close(); // the socket dies without leave
            // while a is detached: b changes its metadata (held as a coalesced update), an admin mutes a's
            // track (queued: the publisher is asked to mute)
            b.send(LivekitRtc.SignalRequest.newBuilder().setUpdateMetadata(LivekitRtc.UpdateParticipantMetadata
                    .newBuilder().setMetadata("while-away")).build());
            b.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getMetadata().equals("while-away"), 5000);
            awaitDetached(s, "resume", "a");
            RoomServiceClient admin = RoomServiceClient.createClient(s.http(), TestServer.KEY, TestServer.SECRET);
            assertTrue(admin.mutePublishedTrack("resume", "a", trackSid, true).execute().isSuccessful());
            assertEquals(sid, sidOf(s, "resume", "a"), "the participant is kept");

            try (WsClient a2 = resume(s, token("a", "resume"), sid, 1)) {
                LivekitRtc.SignalResponse r1 = first(a2);
                assertEquals(RECONNECT, r1.getMessageCase(), r1.toString());
                assertEquals(7, r1.getReconnect().getLastMessageSeq());
                assertEquals(17, r1.getReconnect().getServerInfo().getProtocol());
                // the TURN servers again, with credentials for the same participant (rtc.turn_servers, secret)
                assertEquals(List.of("turn:127.0.0.1:3478?transport=udp"), r1.getReconnect().getIceServers(0).getUrlsList());
                assertTrue(r1.getReconnect().getIceServers(0).getUsername().endsWith(":" + sid), r1.toString());
                LivekitRtc.SignalResponse r2 = first(a2);
                assertEquals(UPDATE, r2.getMessageCase(), r2.toString());
                List<LivekitModels.ParticipantInfo> ps = r2.getUpdate().getParticipantsList();
                assertTrue(ps.stream().anyMatch(p -> p.getSid().equals(sid) && p.getTracksCount() == 1), ps.toString());
                assertTrue(ps.stream().anyMatch(p -> p.getIdentity().equals("b") && p.getMetadata().equals("while-away")),
                        ps.toString());
                assertEquals(ROOM_UPDATE, first(a2).getMessageCase());
                LivekitRtc.SignalResponse queued = first(a2);
                assertEquals(MUTE, queued.getMessageCase(), queued.toString());
                assertEquals(trackSid, queued.getMute().getSid());
                a2.await(REFRESH_TOKEN);
                assertTrue(media.waitFor("a:resumed:1", 5000));
                // the resumed socket carries requests again: a leaves for good
                a2.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.getDefaultInstance())
                        .build());
                LivekitWebhook.WebhookEvent left = awaitEvent(hook, e -> e.getEvent().equals("participant_left"));
                assertEquals(sid, left.getParticipant().getSid());
                // webhooks of one room are delivered in order: a SIGNAL_CLOSE departure would have come first
                assertEquals(LivekitModels.DisconnectReason.CLIENT_INITIATED, left.getParticipant().getDisconnectReason());
            }
        }
    }

    /** Waits until the server has processed the close of {@code identity}'s socket (its link is detached). */
    private static void awaitDetached(TestServer s, String room, String identity) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < end) {
            boolean detached = s.server.rooms().withRoom(room, r -> {
                Participant p = r.participant(identity);
                return p != null && p.sink() instanceof org.jsfu.signaling.ws.SignalLink l && l.detached();
            }).get(5, TimeUnit.SECONDS);
            if (detached) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(identity + " never detached");
    }

    @Test
    void resumeWhileTheOldSocketIsOpenClosesItWithoutDisconnecting() throws Exception {
        try (WebhookSink hook = WebhookSink.start(TestServer.KEY, TestServer.SECRET);
             TestServer s = TestServer.start(hookYaml(hook, 60), new SignalingOnlyMedia(true));
             WsClient a = WsClient.join(s, token("a", "open"))) {
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            // while a's socket looks open (as a dead one the server has not noticed would): c joins and
            // leaves for good; d joins, then joins again (its old session replaced, DUPLICATE_IDENTITY)
            WsClient c = WsClient.join(s, token("c", "open"));
            String cSid = c.await(JOIN).getJoin().getParticipant().getSid();
            c.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.getDefaultInstance()).build());
            a.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getSid().equals(cSid)
                    && r.getUpdate().getParticipants(0).getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED, 5000);
            c.close();
            WsClient d = WsClient.join(s, token("d", "open"));
            String dOld = d.await(JOIN).getJoin().getParticipant().getSid();
            WsClient d2 = WsClient.join(s, token("d", "open"));
            String dNew = d2.await(JOIN).getJoin().getParticipant().getSid();
            a.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getSid().equals(dNew), 5000);
            try (WsClient a2 = resume(s, token("a", "open"), sid, 1)) {
                assertEquals(RECONNECT, first(a2).getMessageCase());
                LivekitRtc.SignalResponse u = first(a2);
                assertEquals(UPDATE, u.getMessageCase());
                List<LivekitModels.ParticipantInfo> ps = u.getUpdate().getParticipantsList();
                // the departure the old socket may have swallowed is repeated; d's old session is not (the
                // client keys by identity: it would remove d's live session), d's new one is there
                assertTrue(ps.stream().anyMatch(p -> p.getSid().equals(cSid)
                        && p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED), ps.toString());
                assertTrue(ps.stream().noneMatch(p -> p.getSid().equals(dOld)), ps.toString());
                assertTrue(ps.stream().anyMatch(p -> p.getSid().equals(dNew)), ps.toString());
                a.closeCode.get(5, TimeUnit.SECONDS); // the server closed the replaced socket
                assertEquals(sid, sidOf(s, "open", "a"));
                // the new socket is live: ping is answered
                a2.send(LivekitRtc.SignalRequest.newBuilder().setPing(1).build());
                a2.await(PONG);
                a2.send(LivekitRtc.SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.getDefaultInstance())
                        .build());
                LivekitWebhook.WebhookEvent left = awaitEvent(hook, e -> e.getEvent().equals("participant_left")
                        && e.getParticipant().getIdentity().equals("a"));
                assertEquals(LivekitModels.DisconnectReason.CLIENT_INITIATED, left.getParticipant().getDisconnectReason());
            }
            d.close();
            d2.close();
        }
    }

    /**
     * More queued messages than SignalLink holds: nothing may be silently lost, so the resume is refused
     * (leave STATE_MISMATCH / RECONNECT) and the client rejoins with the full state; one under the bound resumes.
     */
    @Test
    void queueOverflowRefusesTheResume() throws Exception {
        PublishOnOfferMedia media = new PublishOnOfferMedia(true);
        try (TestServer s = TestServer.start("", media)) {
            for (int n : new int[] {org.jsfu.signaling.ws.SignalLink.MAX_QUEUED, org.jsfu.signaling.ws.SignalLink.MAX_QUEUED + 1}) {
                String room = "overflow-" + n;
                WsClient a = WsClient.join(s, token("a", room));
                String sid = a.await(JOIN).getJoin().getParticipant().getSid();
                a.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                        .setCid("mic").setType(LivekitModels.TrackType.AUDIO)
                        .setSource(LivekitModels.TrackSource.MICROPHONE)).build());
                String trackSid = a.await(TRACK_PUBLISHED).getTrackPublished().getTrack().getSid();
                a.close();
                awaitDetached(s, room, "a");
                // the server asks the publisher to mute n times (each one a queued mute request)
                s.server.rooms().withRoom(room, r -> {
                    for (int i = 0; i < n; i++) {
                        r.participant("a").setTrackMuted(trackSid, i % 2 == 0, true);
                    }
                    return null;
                }).get(5, TimeUnit.SECONDS);
                try (WsClient a2 = resume(s, token("a", room), sid, 1)) {
                    LivekitRtc.SignalResponse f = first(a2);
                    if (n > org.jsfu.signaling.ws.SignalLink.MAX_QUEUED) {
                        assertEquals(LEAVE, f.getMessageCase(), f.toString());
                        assertEquals(LivekitRtc.LeaveRequest.Action.RECONNECT, f.getLeave().getAction());
                    } else {
                        assertEquals(RECONNECT, f.getMessageCase(), f.toString());
                        int mutes = 0;
                        for (int i = 0; i < n + 2; i++) { // update, room_update, then the n mutes in order
                            LivekitRtc.SignalResponse m = first(a2);
                            if (m.hasMute()) {
                                assertEquals(mutes % 2 == 0, m.getMute().getMuted(), "mute " + mutes);
                                mutes++;
                            }
                        }
                        assertEquals(n, mutes);
                    }
                }
            }
        }
    }

    @Test
    void resumeOfUnknownSidOrOtherIdentityIsRefusedWithLeaveFirst() throws Exception {
        try (TestServer s = TestServer.start("", new SignalingOnlyMedia(true));
             WsClient a = WsClient.join(s, token("a", "refuse"))) {
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            for (String[] c : new String[][] {{"a", "PA_unknown0000"}, {"mallory", sid}}) {
                try (WsClient r = resume(s, token(c[0], "refuse"), c[1], 1)) {
                    LivekitRtc.SignalResponse f = first(r);
                    assertEquals(LEAVE, f.getMessageCase(), f.toString());
                    assertEquals(LivekitModels.DisconnectReason.STATE_MISMATCH, f.getLeave().getReason());
                    assertEquals(LivekitRtc.LeaveRequest.Action.RECONNECT, f.getLeave().getAction());
                    r.closeCode.get(5, TimeUnit.SECONDS);
                }
            }
            // the refused attempts did not touch the live participant
            assertEquals(sid, sidOf(s, "refuse", "a"));
            // another room with the right identity and sid: refused too
            try (WsClient r = resume(s, token("a", "elsewhere"), sid, 1)) {
                assertEquals(LEAVE, first(r).getMessageCase());
            }
        }
    }

    @Test
    void participantWithoutConnectedMediaIsRemovedAtOnceAndCannotResume() throws Exception {
        try (TestServer s = TestServer.start("", new SignalingOnlyMedia(false));
             WsClient b = WsClient.join(s, token("b", "nomedia"))) {
            b.await(JOIN);
            WsClient a = WsClient.join(s, token("a", "nomedia"));
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            a.close();
            LivekitRtc.SignalResponse gone = b.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getSid()
                    .equals(sid) && r.getUpdate().getParticipants(0).getState()
                    == LivekitModels.ParticipantInfo.State.DISCONNECTED, 5000);
            assertEquals(LivekitModels.DisconnectReason.SIGNAL_CLOSE,
                    gone.getUpdate().getParticipants(0).getDisconnectReason());
            try (WsClient r = resume(s, token("a", "nomedia"), sid, 1)) {
                assertEquals(LEAVE, first(r).getMessageCase());
            }
        }
    }

    @Test
    void keptParticipantIsRemovedWhenTheResumeWindowEnds() throws Exception {
        try (WebhookSink hook = WebhookSink.start(TestServer.KEY, TestServer.SECRET);
             TestServer s = TestServer.start(hookYaml(hook, 1), new SignalingOnlyMedia(true));
             WsClient b = WsClient.join(s, token("b", "window"))) {
            b.await(JOIN);
            WsClient a = WsClient.join(s, token("a", "window"));
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            long closedAt = System.nanoTime();
            a.close();
            awaitDetached(s, "window", "a");
            LivekitRtc.SignalResponse gone = b.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getSid()
                    .equals(sid) && r.getUpdate().getParticipants(0).getState()
                    == LivekitModels.ParticipantInfo.State.DISCONNECTED, 5000);
            long keptMs = (System.nanoTime() - closedAt) / 1_000_000;
            assertTrue(keptMs >= 900, "removed after " + keptMs + " ms, before the 1 s window ended");
            assertEquals(LivekitModels.DisconnectReason.SIGNAL_CLOSE,
                    gone.getUpdate().getParticipants(0).getDisconnectReason());
            LivekitWebhook.WebhookEvent left = awaitEvent(hook, e -> e.getEvent().equals("participant_left"));
            assertEquals(sid, left.getParticipant().getSid());
            assertEquals(LivekitModels.DisconnectReason.SIGNAL_CLOSE, left.getParticipant().getDisconnectReason());
            try (WsClient r = resume(s, token("a", "window"), sid, 1)) {
                assertEquals(LEAVE, first(r).getMessageCase());
            }
        }
    }

    /**
     * The media's resume handler throws (a test seam: the media plane's onSignalResumed): the participant must
     * not stay attached to a socket nobody serves, with its resume window cancelled, until its PC fails. As
     * LiveKit's full reconnect (IssueFullReconnect): leave STATE_MISMATCH / RECONNECT after the frames already
     * sent, the socket closed, the participant removed (STATE_MISMATCH), and the identity may join afresh.
     */
    @Test
    void resumeWhoseMediaHandlerThrowsEndsInAFullReconnect() throws Exception {
        try (WebhookSink hook = WebhookSink.start(TestServer.KEY, TestServer.SECRET);
             TestServer s = TestServer.start(hookYaml(hook, 60),
                     new SignalingOnlyMedia(true, new IllegalStateException("injected resume failure")));
             WsClient b = WsClient.join(s, token("b", "fails"))) {
            b.await(JOIN);
            WsClient a = WsClient.join(s, token("a", "fails"));
            String sid = a.await(JOIN).getJoin().getParticipant().getSid();
            a.close();
            awaitDetached(s, "fails", "a");
            try (WsClient a2 = resume(s, token("a", "fails"), sid, 1)) {
                LivekitRtc.SignalResponse f;
                do {
                    f = first(a2); // reconnect, update, room_update went out before the media was told
                } while (f.getMessageCase() != LEAVE);
                assertEquals(LivekitModels.DisconnectReason.STATE_MISMATCH, f.getLeave().getReason());
                assertEquals(LivekitRtc.LeaveRequest.Action.RECONNECT, f.getLeave().getAction());
                a2.closeCode.get(5, TimeUnit.SECONDS);
                assertTrue(a2.received.isEmpty(), "nothing after the leave: " + a2.received);
            }
            assertNull(sidOf(s, "fails", "a"), "the participant was removed");
            LivekitRtc.SignalResponse gone = b.await(r -> r.hasUpdate() && r.getUpdate().getParticipants(0).getSid()
                    .equals(sid) && r.getUpdate().getParticipants(0).getState()
                    == LivekitModels.ParticipantInfo.State.DISCONNECTED, 5000);
            assertEquals(LivekitModels.DisconnectReason.STATE_MISMATCH,
                    gone.getUpdate().getParticipants(0).getDisconnectReason());
            LivekitWebhook.WebhookEvent left = awaitEvent(hook, e -> e.getEvent().equals("participant_left"));
            assertEquals(sid, left.getParticipant().getSid());
            // the client's full rejoin works
            try (WsClient again = WsClient.join(s, token("a", "fails"))) {
                assertNotEquals(sid, again.await(JOIN).getJoin().getParticipant().getSid());
            }
        }
    }
}
