package org.jsfu.bench.client;

import static org.jsfu.bench.client.ServerChurnTest.IDLE_MS;
import static org.jsfu.bench.client.ServerChurnTest.ROOM_YAML;
import static org.jsfu.bench.client.ServerChurnTest.T;
import static org.jsfu.bench.client.ServerChurnTest.TOLERANCE;
import static org.jsfu.bench.client.ServerChurnTest.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitRoom;
import org.jsfu.bench.InProcessServer;
import org.jsfu.conf.EgressConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Churn inside one room that stays open: see {@link ServerChurnTest} for rooms that open and close. */
class LongLivedRoomChurnTest {
    @TempDir
    Path dir;

    /**
     * One participant stays in a room (with auto track egress) for the whole test while visitors join, publish,
     * are received by it and leave: what the server holds for the room and for the one who stays (its
     * subscriptions, forwarded tracks, subscriber m-lines, the room's tracks and speaker detection, egress
     * state) must not grow with the visitors.
     */
    @Test
    @Timeout(120)
    void aLongLivedRoomDoesNotGrowWithItsVisitors() throws Exception {
        Path storage = dir.resolve("recordings");
        String egressYaml = "api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\nstorage_dir: " + storage + "\n";
        try (InProcessServer srv = InProcessServer.start(ROOM_YAML, EgressConfigLoader.parse(egressYaml, Map.of()));
             ClientContext ctx = new ClientContext()) {
            String room = "long-lived";
            LivekitRoom.RoomConfiguration cfg = LivekitRoom.RoomConfiguration.newBuilder()
                    .setEgress(LivekitRoom.RoomEgress.newBuilder().setTracks(LivekitEgress.AutoTrackEgress
                            .newBuilder().setFilepath("auto/{track_id}.ogg"))).build();
            SimClient stayer = SimClient.connect(ctx, srv.wsBase(), token(room, "stayer", false, cfg), T);
            List<java.lang.ref.WeakReference<Object>> gone = new java.util.ArrayList<>();
            ServerChurnTest.Cycle visit = (i, opened) -> {
                SimClient v = SimClient.connect(ctx, srv.wsBase(), token(room, "visitor-" + i, true, null), T);
                String sid = v.publishAudio("mic", T).trackSid;
                Await.until("the visitor's audio at the stayer", 10_000,
                        () -> stayer.receivedTrack(sid) != null && stayer.receivedTrack(sid).packets() > 5,
                        () -> "tracks=" + stayer.receivedTracks());
                org.jsfu.core.room.Room r = srv.server.rooms().room(room);
                opened.addAll(r.loop().submit(() -> {
                    org.jsfu.core.room.Participant p = r.participant("visitor-" + i);
                    return List.<java.lang.ref.WeakReference<Object>>of(new java.lang.ref.WeakReference<>(p),
                            new java.lang.ref.WeakReference<>(p.media()));
                }).get(5, TimeUnit.SECONDS));
                v.leave();
            };
            visit.run(-1, gone);
            Map<String, Integer> base = awaitSteady(srv, room, null);
            int threads0 = ServerGauges.threads();
            int fds0 = ServerGauges.fds();
            for (int i = 0; i < 8; i++) {
                visit.run(i, gone);
            }
            awaitSteady(srv, room, base);
            ServerGauges.awaitProcessBaseline(threads0, fds0, TOLERANCE, IDLE_MS);
            ServerGauges.awaitCollected(gone, IDLE_MS);
            assertEquals(9, srv.server.egress().list(room, null, false).size(), "each visitor's track was recorded");
            assertEquals(2, base.get("stayerMediaLines"), "data channels and one audio m-line, reused by each visitor");
            stayer.leave();
        }
    }

    /**
     * Waits until the room holds only the stayer (no visitor, track or egress left) and returns its gauges;
     * with {@code expected}, until none is above it (a timer of the stayer's own may have ended meanwhile).
     */
    private static Map<String, Integer> awaitSteady(InProcessServer srv, String room, Map<String, Integer> expected)
            throws Exception {
        long end = System.nanoTime() + IDLE_MS * 1_000_000L;
        Map<String, Integer> g;
        while (true) {
            g = new java.util.LinkedHashMap<>(ServerGauges.read(srv.server));
            org.jsfu.core.room.Room r = srv.server.rooms().room(room);
            int[][] c = r.loop().submit(() -> {
                org.jsfu.core.room.Participant p = r.participant("stayer");
                return new int[][] {{r.participants().size(), p.subscriptions().size()},
                        srv.server.media().subscriberCounts(p), srv.server.media().roomTrackCounts(r)};
            }).get(5, TimeUnit.SECONDS);
            g.put("participants", c[0][0]);
            g.put("stayerSubscriptions", c[0][1]);
            g.put("stayerForwardedTracks", c[1][0]);
            g.put("stayerMediaLines", c[1][1]);
            g.put("roomTracks", c[2][0]);
            g.put("roomSpeakerTracks", c[2][1]);
            Map<String, Integer> now = g;
            boolean steady = expected != null ? now.keySet().equals(expected.keySet())
                    && now.entrySet().stream().allMatch(e -> e.getValue() <= expected.get(e.getKey()))
                    : g.get("participants") == 1 && g.get("roomTracks") == 0 && g.get("roomSpeakerTracks") == 0
                    && g.get("egressesHeld") == 0 && g.get("egressesTicked") == 0 && g.get("autoEgressTracks") == 0;
            if (steady) {
                return g;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("room not back to its steady state: " + g
                        + (expected == null ? "" : " expected " + expected));
            }
            Thread.sleep(50);
        }
    }
}
