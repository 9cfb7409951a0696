package org.jsfu.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import livekit.LivekitModels;
import org.jsfu.bench.InProcessServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One publisher and two subscribers through the real server, every byte on the wire as a browser
 * would send it: /rtc signalling, STUN checks, DTLS, SRTP. Once per client receive mode (selector,
 * and the spinning poll LoadBench offers).
 */
class SimClientRoomTest {
    private static final Duration T = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(ReceiveMode.class)
    @Timeout(60)
    void subscribersReceiveThePublishersAudioThenSeeUnpublishAndLeave(ReceiveMode mode) throws Exception {
        try (InProcessServer srv = InProcessServer.start(); ClientContext ctx = new ClientContext(mode)) {
            String room = "sim-room";
            SimClient s1 = SimClient.connect(ctx, srv.wsBase(),
                    Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, room, "sub-1", false, true), T);
            SimClient s2 = SimClient.connect(ctx, srv.wsBase(),
                    Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, room, "sub-2", false, true), T);
            SimClient pub = SimClient.connect(ctx, srv.wsBase(),
                    Tokens.join(InProcessServer.KEY, InProcessServer.SECRET, room, "pub", true, true), T);
            assertEquals(2, pub.join().getOtherParticipantsCount(), "the publisher sees both subscribers at join");

            SimClient.Outgoing track = pub.publishAudio("mic", T);
            String sid = track.trackSid;
            assertTrue(sid.startsWith("TR_"), sid);
            for (SimClient s : List.of(s1, s2)) {
                Await.until("first packets at " + s.identity(), 10_000,
                        () -> s.receivedTrack(sid) != null && s.receivedTrack(sid).packets() > 10,
                        () -> "tracks=" + s.receivedTracks() + " offers=" + s.subscriberOffers());
            }

            // steady state: 3 s of 50 packets/s
            long sent0 = track.source.sent();
            long r10 = s1.receivedTrack(sid).packets();
            long r20 = s2.receivedTrack(sid).packets();
            Thread.sleep(3_000);
            long sent = track.source.sent() - sent0;
            long r1 = s1.receivedTrack(sid).packets() - r10;
            long r2 = s2.receivedTrack(sid).packets() - r20;
            assertTrue(sent >= 140, "publisher paced about 50 packets/s, sent=" + sent);
            assertTrue(r1 >= 0.95 * sent, "sub-1 received " + r1 + " of " + sent);
            assertTrue(r2 >= 0.95 * sent, "sub-2 received " + r2 + " of " + sent);
            for (SimClient s : List.of(s1, s2)) {
                TrackStats st = s.receivedTrack(sid);
                assertEquals(0, s.subscriberPeer().srtpFailures(), "every forwarded packet authenticates");
                assertEquals(0, s.unknownSsrcPackets(), "only announced SSRCs arrive");
                assertEquals(0, st.late(), "no duplicates: " + st);
                assertTrue(st.meanLatencyMs() < 50, "loopback latency " + st);
                LivekitModels.ParticipantInfo p = s.participants().get(pub.sid());
                assertTrue(p != null && p.getTracksList().stream().anyMatch(t -> t.getSid().equals(sid)),
                        "the publisher's track is in the room view of " + s.identity());
            }

            // unpublish: the m-line goes inactive in the publisher offer; subscribers get an offer
            // that deactivates the track and an update without it
            pub.unpublish(sid, T);
            for (SimClient s : List.of(s1, s2)) {
                Await.until("unpublish seen by " + s.identity(), 10_000, () -> s.receivedTrack(sid).removed()
                        && s.participants().get(pub.sid()).getTracksList().stream().noneMatch(t -> t.getSid().equals(sid)),
                        () -> "participant=" + s.participants().get(pub.sid()));
            }
            long after = s1.receivedTrack(sid).packets();
            Thread.sleep(300);
            assertTrue(s1.receivedTrack(sid).packets() - after <= 2, "forwarding stopped after unpublish");

            // leave: the others see the publisher disconnected
            String pubSid = pub.sid();
            pub.leave();
            for (SimClient s : List.of(s1, s2)) {
                Await.until("leave seen by " + s.identity(), 10_000,
                        () -> s.participants().get(pubSid).getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED,
                        () -> "participant=" + s.participants().get(pubSid));
            }
            s1.leave();
            s2.leave();
        }
    }
}
