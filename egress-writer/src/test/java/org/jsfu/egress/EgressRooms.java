package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.ClientInfo;
import org.jsfu.core.room.JoinRequest;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Permission;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.SignalSink;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackSource;
import org.jsfu.core.room.TrackType;

/**
 * For egress tests: rooms on one media loop without a media plane, a fake tap attacher, publishers of a
 * microphone track and a concentus tone fed through whatever taps are attached.
 */
final class EgressRooms implements AutoCloseable {
    final MediaLoops loops = new MediaLoops(1);
    final RoomManager rooms = new RoomManager(loops, new RoomDefaults(true, 300, 20, 0),
            (r, p) -> nothing(ParticipantMedia.class), System::currentTimeMillis);
    final FakeTaps taps = new FakeTaps();

    /** Taps by track, like MediaPlane: delivers only to what is attached. */
    static final class FakeTaps implements EgressManager.TapAttacher {
        final List<RtpTap> attached = new ArrayList<>();
        int removed;
        /** Once the loops are closed nothing else touches loop state: detaching from another thread is allowed. */
        volatile boolean loopsClosed;

        @Override
        public synchronized boolean addTap(Room room, String trackSid, RtpTap tap) {
            assertTrue(room.loop().inLoop());
            return attached.add(tap);
        }

        @Override
        public synchronized boolean removeTap(Room room, String trackSid, RtpTap tap) {
            assertTrue(loopsClosed || room.loop().inLoop(), "removeTap runs on the room loop");
            removed++;
            return attached.remove(tap);
        }

        synchronized int count() { return attached.size(); }

        synchronized List<RtpTap> snapshot() { return List.copyOf(attached); }
    }

    @SuppressWarnings("unchecked")
    static <T> T nothing(Class<T> c) {
        return (T) Proxy.newProxyInstance(c.getClassLoader(), new Class<?>[] {c}, (p, m, a) -> {
            if (m.getReturnType() == boolean.class) return false;
            if (m.getReturnType() == int.class || m.getReturnType() == long.class) return 0;
            return null;
        });
    }

    /** An EgressManager on these rooms and taps, listening to the rooms. */
    EgressManager manager(EgressSinks.Factory sinks) {
        EgressManager m = new EgressManager(rooms, taps, sinks);
        rooms.addListener(m);
        return m;
    }

    /** Joins {@code identity} to room {@code r} and publishes a microphone track; returns its sid. */
    String publish(String r, String identity) throws Exception {
        Permission all = new Permission(true, true, true, List.of(), false, false, true, false);
        JoinRequest req = new JoinRequest(identity, identity, "", Map.of(), "standard", all,
                new ClientInfo("js", "2.23.0", 17, 2, "", "", true, false), null);
        Participant p = rooms.join(r, req, nothing(SignalSink.class), true).get(5, TimeUnit.SECONDS);
        return p.room().loop().submit(() -> {
            TrackInfo t = p.addPendingTrack(new AddTrack("cid1", "mic", TrackType.AUDIO, 0, 0, false, false,
                    TrackSource.MICROPHONE, false, false, false, "", 0));
            assertNotNull(t);
            return p.publishPendingTrack("cid1", "0", "audio/opus").sid();
        }).get(5, TimeUnit.SECONDS);
    }

    /** Feeds {@code n} 20 ms packets (that arrived over the last n·20 ms) through whatever is attached, on the loop. */
    void feed(Room room, int n) throws Exception {
        Publisher pub = new Publisher(960);
        List<byte[]> pkts = new ArrayList<>();
        for (int i = 0; i < n; i++) pkts.add(pub.next(true));
        long t0 = System.nanoTime() - n * 20_000_000L;
        room.loop().submit(() -> {
            for (int i = 0; i < pkts.size(); i++) {
                for (RtpTap tap : taps.snapshot()) {
                    tap.onRtp(pkts.get(i), 0, pkts.get(i).length, 1000 + 960L * i, 7 + i, t0 + i * 20_000_000L);
                }
            }
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Waits (5 s at most) until ListEgress shows the egress in a terminal state; returns it. */
    static EgressInfo awaitEnd(EgressManager m, String id) throws Exception {
        for (int i = 0; i < 500; i++) {
            EgressInfo info = m.list(null, id, false).get(0);
            if (info.status().terminal()) return info;
            Thread.sleep(10);
        }
        throw new AssertionError("egress did not end");
    }

    @Override
    public void close() {
        rooms.close();
        loops.close();
    }
}
