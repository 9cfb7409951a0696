package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.sdp.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Egress taps on a published track: attach, detach (also from inside a delivery), and after the room ended. */
class MediaPlaneTapTest {
    private final byte[] scratch = new byte[1500 + org.jsfu.core.transport.PeerTransport.TAG_ROOM];
    private MediaLoops loops;
    private RoomManager rooms;
    private MediaPlane plane;
    private Room room;
    private UpTrack up;

    /** Counts what it receives; optionally detaches itself on its first packet. */
    final class CountingTap implements RtpTap {
        final List<Long> seqs = new ArrayList<>();
        boolean removeSelfOnFirst;
        int closes;

        @Override
        public void onRtp(byte[] b, int off, int len, long extTimestamp, long extSeq, long nowNanos) {
            seqs.add(extSeq);
            if (removeSelfOnFirst && seqs.size() == 1) {
                assertTrue(plane.removeTap(room, "TR_a", this));
            }
        }

        @Override
        public void onMute(boolean muted, long nowNanos) {
        }

        @Override
        public void onClose(long nowNanos) {
            closes++;
            plane.removeTap(room, "TR_a", this); // what an egress does when its source closes
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        loops = new MediaLoops(1);
        rooms = new RoomManager(loops, new RoomDefaults(true, 300, 20, 0), (r, p) -> null, System::currentTimeMillis);
        rooms.createRoom("r", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        room = rooms.room("r");
        plane = new MediaPlane(null, List.of(InetAddress.getLoopbackAddress()), false);
        up = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, -1);
        onLoop(() -> {
            plane.router(room).add(up);
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        plane.close();
        rooms.close();
        loops.close();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return room.loop().submit(c).get(5, TimeUnit.SECONDS);
    }

    private void packet(int seq) throws Exception {
        onLoop(() -> {
            up.onRtp(ForwardingTest.wrap(ForwardingTest.rtp(111, seq, 960L * seq, 42, new byte[] {1, 2, 3}, 0)), 0,
                    1_000_000_000L + seq * 20_000_000L, scratch);
            return null;
        });
    }

    @Test
    void removedTapGetsNoMorePackets() throws Exception {
        CountingTap a = new CountingTap();
        CountingTap b = new CountingTap();
        assertTrue(onLoop(() -> plane.addTap(room, "TR_a", a) && plane.addTap(room, "TR_a", b)));
        assertEquals(2, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
        packet(1);
        assertTrue(onLoop(() -> plane.removeTap(room, "TR_a", a)));
        assertFalse(onLoop(() -> plane.removeTap(room, "TR_a", a)), "already removed");
        assertEquals(1, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
        packet(2);
        assertTrue(onLoop(() -> plane.removeTap(room, "TR_a", b)));
        assertEquals(0, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
        packet(3);
        assertEquals(List.of(1L), a.seqs);
        assertEquals(List.of(1L, 2L), b.seqs);
    }

    @Test
    void aTapMayDetachItselfWhileTheLoopDelivers() throws Exception {
        CountingTap self = new CountingTap();
        self.removeSelfOnFirst = true;
        CountingTap other = new CountingTap();
        assertTrue(onLoop(() -> plane.addTap(room, "TR_a", self) && plane.addTap(room, "TR_a", other)));
        packet(1);
        packet(2);
        assertEquals(List.of(1L), self.seqs);
        assertEquals(List.of(1L, 2L), other.seqs, "the tap after the detached one still got packet 1");
        assertEquals(1, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
    }

    @Test
    void closingTheTrackTellsEachTapOnceAndDropsThem() throws Exception {
        CountingTap a = new CountingTap();
        CountingTap b = new CountingTap();
        assertTrue(onLoop(() -> plane.addTap(room, "TR_a", a) && plane.addTap(room, "TR_a", b)));
        onLoop(() -> {
            up.close(1);
            return null;
        });
        assertEquals(1, a.closes);
        assertEquals(1, b.closes);
        assertEquals(0, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
        packet(1);
        assertTrue(a.seqs.isEmpty());
    }

    @Test
    void afterTheRoomEndedNothingIsAttachedOrRecreated() throws Exception {
        CountingTap a = new CountingTap();
        assertTrue(onLoop(() -> plane.addTap(room, "TR_a", a)));
        plane.onRoomFinished(room);
        assertFalse(onLoop(() -> plane.removeTap(room, "TR_a", a)));
        assertFalse(onLoop(() -> plane.addTap(room, "TR_a", new CountingTap())));
        assertEquals(0, (int) onLoop(() -> plane.tapCount(room, "TR_a")));
    }
}
