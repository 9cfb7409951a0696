package org.jsfu.core.room;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomManagerTest {
    private MediaLoops loops;
    private RoomManager rooms;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> media = new CopyOnWriteArrayList<>();

    private static final Permission ALL = new Permission(true, true, true, List.of(), false, false, true, false);

    @BeforeEach
    void setUp() {
        loops = new MediaLoops(2);
        rooms = new RoomManager(loops, new RoomDefaults(true, 2, 1, 0), (room, p) -> new ParticipantMedia() {
            @Override public void start() { p.setActive(); }
            @Override public void onPublisherOffer(String sdp, int id) { }
            @Override public void onSubscriberAnswer(String sdp, int id) { }
            @Override public void onTrickle(String c, int t) { }
            @Override public void onTrackSubscribed(Participant pub, TrackInfo t) {
                media.add("sub:" + p.identity() + ":" + t.sid());
            }
            @Override public void onTrackUnsubscribed(String pubSid, String trackSid) {
                media.add("unsub:" + p.identity() + ":" + trackSid);
            }
            @Override public void onMute(String trackSid, boolean m) { media.add("mute:" + m); }
            @Override public void onTrackUnpublished(String trackSid) { }
            @Override public void sendData(byte[] pkt, boolean reliable) { media.add("data:" + p.identity()); }
            @Override public void close() { media.add("close:" + p.identity()); }
        }, System::currentTimeMillis);
        rooms.addListener(new RoomListener() {
            @Override public void onRoomStarted(Room r) { events.add("room_started:" + r.name()); }
            @Override public void onRoomFinished(Room r) { events.add("room_finished:" + r.name()); }
            @Override public void onParticipantJoined(Room r, Participant p) { events.add("joined:" + p.identity()); }
            @Override public void onParticipantLeft(Room r, Participant p, boolean a) { events.add("left:" + p.identity()); }
            @Override public void onTrackPublished(Room r, Participant p, TrackInfo t) { events.add("published:" + t.sid()); }
            @Override public void onTrackUnpublished(Room r, Participant p, TrackInfo t) { events.add("unpublished:" + t.sid()); }
        });
    }

    @AfterEach
    void tearDown() {
        rooms.close();
        loops.close();
    }

    private static JoinRequest req(String identity, Permission perm) {
        return new JoinRequest(identity, identity + "-name", "", Map.of(), "standard", perm,
                new ClientInfo("js", "2.23.0", 17, 2, "", "", true, false), null);
    }

    private Participant join(String room, String identity, RecordingSink sink) throws Exception {
        return rooms.join(room, req(identity, ALL), sink, true).get(5, TimeUnit.SECONDS);
    }

    @Test
    void sidsHavePrefixAndTwelveBase62Chars() {
        assertTrue(Sids.room().matches("RM_[0-9A-Za-z]{12}"));
        assertTrue(Sids.participant().matches("PA_[0-9A-Za-z]{12}"));
        assertTrue(Sids.track().matches("TR_[0-9A-Za-z]{12}"));
        assertNotEquals(Sids.room(), Sids.room());
    }

    @Test
    void twoParticipantsSeeEachOtherAndLeave() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("r1", "alice", a);
        Participant pb = join("r1", "bob", b);
        assertTrue(pa.sid().startsWith("PA_"));
        assertEquals(1, b.joinOthers.size());
        assertEquals("alice", b.joinOthers.get(0).identity());
        Thread.sleep(100);
        assertTrue(a.events.contains("update:bob:ACTIVE"), a.events.toString());
        assertTrue(events.containsAll(List.of("room_started:r1", "joined:alice", "joined:bob")));

        pb.room().loop().submit(() -> { pb.updateMetadata(null, "hello", null); return null; }).get();
        assertEquals("hello", a.updates.get(a.updates.size() - 1).metadata());
        long v1 = a.updates.get(a.updates.size() - 1).version();

        pb.room().loop().submit(() -> { pb.disconnect(DisconnectReason.CLIENT_INITIATED, false); return null; }).get();
        ParticipantInfo last = a.updates.get(a.updates.size() - 1);
        assertEquals(ParticipantState.DISCONNECTED, last.state());
        assertTrue(last.version() > v1);
        assertTrue(b.closed);
        assertTrue(events.contains("left:bob"));
    }

    @Test
    void duplicateIdentityReplacesOldSession() throws Exception {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        Participant p1 = join("r2", "carol", first);
        Participant p2 = join("r2", "carol", second);
        assertNotEquals(p1.sid(), p2.sid());
        assertTrue(first.events.contains("leave:DUPLICATE_IDENTITY"));
        assertTrue(first.closed);
        assertEquals(1, rooms.withRoom("r2", r -> r.participants().size()).get());
    }

    @Test
    void maxParticipantsAndNoAutoCreate() throws Exception {
        rooms.createRoom("small", new RoomOptions(null, null, 1, null, null)).get();
        join("small", "one", new RecordingSink());
        Exception e = assertThrows(Exception.class, () -> join("small", "two", new RecordingSink()));
        assertEquals(RoomException.Code.LIMIT_EXCEEDED, ((RoomException) e.getCause()).code());
        Exception nf = assertThrows(Exception.class,
                () -> rooms.join("missing", req("x", ALL), new RecordingSink(), false).get());
        assertEquals(RoomException.Code.NOT_FOUND, ((RoomException) nf.getCause()).code());
    }

    @Test
    void publishSubscribeMuteUnpublish() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("r3", "alice", a);
        join("r3", "bob", b);
        MediaLoop loop = pa.room().loop();
        TrackInfo pending = loop.submit(() -> pa.addPendingTrack(new AddTrack("cid1", "mic", TrackType.AUDIO, 0, 0,
                false, false, TrackSource.MICROPHONE, false, false, false, "", 0))).get();
        assertTrue(pending.sid().startsWith("TR_"));
        assertTrue(a.events.contains("trackPublished:cid1"));
        TrackInfo pub = loop.submit(() -> pa.publishPendingTrack("cid1", "0", "audio/opus")).get();
        assertEquals(pending.sid(), pub.sid());
        assertTrue(media.contains("sub:bob:" + pub.sid()));
        assertTrue(a.events.contains("trackSubscribed:" + pub.sid()));
        assertTrue(events.contains("published:" + pub.sid()));
        assertEquals(1, b.updates.get(b.updates.size() - 1).tracks().size());

        loop.submit(() -> pa.setTrackMuted(pub.sid(), true, true)).get();
        assertTrue(a.events.contains("mute:" + pub.sid() + ":true"));
        assertTrue(b.updates.get(b.updates.size() - 1).tracks().get(0).muted());

        // a latecomer is auto-subscribed to the existing track
        join("r3", "dave", new RecordingSink());
        assertTrue(media.contains("sub:dave:" + pub.sid()));

        loop.submit(() -> pa.unpublishTrack(pub.sid(), true)).get();
        assertTrue(media.contains("unsub:bob:" + pub.sid()));
        assertTrue(a.events.contains("trackUnpublished:" + pub.sid()));
        assertTrue(events.contains("unpublished:" + pub.sid()));
        assertTrue(b.updates.get(b.updates.size() - 1).tracks().isEmpty());
    }

    /** The codec an AddTrackRequest asked for stays known while the track is pending or published. */
    @Test
    void requestedVideoCodecLivesAsLongAsTheTrack() throws Exception {
        Participant p = join("r3c", "carol", new RecordingSink());
        MediaLoop loop = p.room().loop();
        TrackInfo cam = loop.submit(() -> p.addPendingTrack(new AddTrack("cam", "cam", TrackType.VIDEO, 640, 360,
                false, false, TrackSource.CAMERA, true, false, false, "", 0, "H264"))).get();
        TrackInfo mic = loop.submit(() -> p.addPendingTrack(new AddTrack("mic", "mic", TrackType.AUDIO, 0, 0, false,
                false, TrackSource.MICROPHONE, false, false, false, "", 0, "opus"))).get();
        assertEquals("", cam.mimeType(), "no MIME type until negotiated, as LiveKit");
        assertEquals("video/H264", cam.codecs().get(0).mimeType(), "the requested codec, accepted");
        assertEquals("", mic.mimeType());
        assertEquals(java.util.Map.of("cam", "H264"), loop.submit(p::requestedVideoCodecs).get());
        TrackInfo pub = loop.submit(() -> p.publishPendingTrack("cam", "1", "video/H264")).get();
        assertEquals("video/H264", pub.mimeType());
        assertEquals(java.util.Map.of("cam", "H264"), loop.submit(p::requestedVideoCodecs).get());
        loop.submit(() -> p.unpublishTrack(pub.sid(), false)).get();
        assertEquals(java.util.Map.of(), loop.submit(p::requestedVideoCodecs).get());
    }

    @Test
    void publishRefusedForDisallowedSource() throws Exception {
        Permission micOnly = new Permission(true, true, true, List.of(TrackSource.MICROPHONE), false, false, false, false);
        RecordingSink s = new RecordingSink();
        Participant p = rooms.join("r4", req("eve", micOnly), s, true).get();
        TrackInfo t = p.room().loop().submit(() -> p.addPendingTrack(new AddTrack("c", "cam", TrackType.VIDEO, 640, 480,
                false, false, TrackSource.CAMERA, false, false, false, "", 0))).get();
        assertNull(t);
        assertEquals(0, s.count("trackPublished"));
    }

    @Test
    void hiddenParticipantIsNeverShownToOthers() throws Exception {
        Permission hidden = new Permission(true, false, false, List.of(), true, true, false, false);
        RecordingSink a = new RecordingSink();
        join("r5", "alice", a);
        RecordingSink h = new RecordingSink();
        rooms.join("r5", req("recorder", hidden), h, true).get();
        RecordingSink b = new RecordingSink();
        join("r5", "bob", b);
        Thread.sleep(50);
        assertTrue(a.events.stream().noneMatch(e -> e.contains("recorder")), a.events.toString());
        assertTrue(b.joinOthers.stream().noneMatch(p -> p.identity().equals("recorder")));
        assertEquals(1, h.joinOthers.size());
    }

    @Test
    void departureAndEmptyTimeoutsCloseTheRoom() throws Exception {
        rooms.createRoom("idle", RoomOptions.defaults()).get();   // empty timeout 2 s
        Participant p = join("busy", "alice", new RecordingSink()); // departure timeout 1 s
        p.room().loop().submit(() -> { p.disconnect(DisconnectReason.CLIENT_INITIATED, false); return null; }).get();
        assertTrue(rooms.exists("busy"));
        Thread.sleep(1500);
        assertFalse(rooms.exists("busy"));
        assertTrue(rooms.exists("idle"));
        Thread.sleep(1000);
        assertFalse(rooms.exists("idle"));
        assertTrue(events.contains("room_finished:busy"));
        assertTrue(events.contains("room_finished:idle"));
        assertTrue(events.indexOf("left:alice") < events.indexOf("room_finished:busy"));
    }

    @Test
    void deleteRoomSendsLeaveAndListRooms() throws Exception {
        RecordingSink a = new RecordingSink();
        join("gone", "alice", a);
        rooms.createRoom("kept", RoomOptions.defaults()).get();
        assertEquals(2, rooms.listRooms(List.of()).get().size());
        assertEquals(1, rooms.listRooms(List.of("kept")).get().size());
        rooms.deleteRoom("gone").get();
        assertTrue(a.events.contains("leave:ROOM_DELETED"));
        assertFalse(rooms.exists("gone"));
        assertThrows(Exception.class, () -> rooms.deleteRoom("gone").get());
    }

    @Test
    void roomStateOffLoopThrows() throws Exception {
        Participant p = join("strict", "alice", new RecordingSink());
        assertThrows(IllegalStateException.class, p::info);
    }
}
