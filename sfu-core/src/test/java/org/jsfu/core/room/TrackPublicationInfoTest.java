package org.jsfu.core.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TrackInfo a publisher gets back and the room sees: codec fallback, layers, audio features, updates. */
class TrackPublicationInfoTest {
    private static final Permission ALL = new Permission(true, true, true, List.of(), false, false, true, false);
    private static final VideoLayer LOW = new VideoLayer(0, 320, 180, 150_000, 0, 0, "q");
    private static final VideoLayer MID = new VideoLayer(1, 640, 360, 450_000, 0, 0, "h");
    private static final VideoLayer HIGH = new VideoLayer(2, 1280, 720, 1_700_000, 0, 0, "f");

    private final List<String> resized = new java.util.concurrent.CopyOnWriteArrayList<>();
    private MediaLoops loops;
    private RoomManager rooms;

    private void start(PublishCodecs codecs) {
        loops = new MediaLoops(1);
        rooms = new RoomManager(loops, new RoomDefaults(true, 2, 1, 0, codecs), (room, p) -> new ParticipantMedia() {
            @Override public void start() { p.setActive(); }
            @Override public void onPublisherOffer(String sdp, int id) { }
            @Override public void onSubscriberAnswer(String sdp, int id) { }
            @Override public void onTrickle(String c, int t) { }
            @Override public void onTrackSubscribed(Participant pub, TrackInfo t) { }
            @Override public void onTrackUnsubscribed(String pubSid, String trackSid) { }
            @Override public void onMute(String trackSid, boolean m) { }
            @Override public void onTrackUnpublished(String trackSid) { }
            @Override public void onTrackResized(String trackSid, int w, int h) { resized.add(trackSid + ":" + w + "x" + h); }
            @Override public void sendData(byte[] pkt, boolean reliable) { }
            @Override public void close() { }
        }, System::currentTimeMillis);
    }

    @AfterEach
    void tearDown() {
        if (rooms != null) {
            rooms.close();
            loops.close();
        }
    }

    private Participant join(String identity, RecordingSink sink) throws Exception {
        JoinRequest req = new JoinRequest(identity, identity, "", Map.of(), "standard", ALL,
                new ClientInfo("js", "2.23.0", 17, 2, "", "", true, false), null);
        return rooms.join("codecs", req, sink, true).get(5, TimeUnit.SECONDS);
    }

    private static <T> T on(Participant p, Callable<T> c) throws Exception {
        return p.room().loop().submit(c).get(5, TimeUnit.SECONDS);
    }

    private static AddTrack camera(String... codecs) {
        List<SimulcastCodec> cs = new java.util.ArrayList<>();
        for (int i = 0; i < codecs.length; i++) {
            cs.add(new SimulcastCodec(codecs[i], i == 0 ? "cam" : "", List.of(), 0));
        }
        return new AddTrack("cam", "camera", TrackType.VIDEO, 1280, 720, false, false, TrackSource.CAMERA, true,
                false, false, "", 0, codecs[0], cs, List.of(HIGH, MID, LOW), List.of(), 0);
    }

    private static AddTrack mic(List<Integer> features, boolean stereo) {
        return new AddTrack("mic", "mic", TrackType.AUDIO, 0, 0, false, false, TrackSource.MICROPHONE, false, stereo,
                false, "", 0, "", List.of(), List.of(), features, 0);
    }

    private static TrackInfo lastTrack(RecordingSink s, String identity, String trackSid) {
        for (int i = s.updates.size() - 1; i >= 0; i--) {
            ParticipantInfo p = s.updates.get(i);
            if (p.identity().equals(identity)) {
                return p.tracks().stream().filter(t -> t.sid().equals(trackSid)).findFirst().orElse(null);
            }
        }
        return null;
    }

    @Test
    void vp9RequestIsAnsweredWithVp8AndPublishesAsVp8() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", a);
        join("b", b);
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(camera("vp9", "vp8")));
        assertEquals(List.of("video/VP8"), ti.codecs().stream().map(TrackCodec::mimeType).toList(),
                "VP9 is not forwarded: the server names VP8 and the vp8 backup collapses into it");
        assertEquals("", ti.mimeType());
        assertTrue(ti.simulcast(), "three layers of a non-SVC codec");
        assertEquals(List.of(LOW, MID, HIGH), ti.layers());
        assertEquals(List.of(LOW, MID, HIGH), ti.codecs().get(0).layers());
        assertEquals(Map.of("cam", "VP8"), on(pa, pa::requestedVideoCodecs), "the answer chooses VP8 for cam");
        assertTrue(a.events.contains("trackPublished:cam"));

        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("cam", "2", "video/VP8"));
        assertEquals("video/VP8", pub.mimeType());
        assertEquals("2", pub.codecs().get(0).mid());
        TrackInfo seen = lastTrack(b, "a", pub.sid());
        assertEquals("video/VP8", seen.codecs().get(0).mimeType());
        assertEquals(List.of(LOW, MID, HIGH), seen.layers(), "the update carries the layers");
    }

    /**
     * LiveKit's SetLayerSsrcsForRid: each layer's SSRC, learnt from its first packet, lands on the layer of
     * that rid in the published codec and in TrackInfo.layers; the first one goes out with the publication,
     * each later one in a participant update to everybody; a known SSRC is not overwritten.
     */
    @Test
    void layerSsrcsFromTheMediaAreBroadcastAsTheyArrive() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", a);
        join("b", b);
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(camera("vp8")));
        int bBefore = b.updates.size();
        on(pa, () -> pa.setLayerSsrc(ti.sid(), "video/VP8", "h", 1, 0xA1B2C3D4L));
        assertEquals(bBefore, b.updates.size(), "a pending track takes the SSRC silently");
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("cam", "2", "video/VP8"));
        assertEquals(List.of(0L, 0xA1B2C3D4L, 0L), ssrcs(lastTrack(b, "a", pub.sid()).layers()),
                "the publication carries the first layer's SSRC");

        int aUpdates = a.updates.size();
        int bUpdates = b.updates.size();
        on(pa, () -> pa.setLayerSsrc(pub.sid(), "video/VP8", "f", 2, 333L));
        assertEquals(bUpdates + 1, b.updates.size(), "a later layer's SSRC is broadcast");
        assertEquals(aUpdates + 1, a.updates.size(), "to the publisher too");
        on(pa, () -> pa.setLayerSsrc(pub.sid(), "video/VP8", "q", 0, 111L));
        TrackInfo seen = lastTrack(b, "a", pub.sid());
        assertEquals(List.of(111L, 0xA1B2C3D4L, 333L), ssrcs(seen.layers()));
        assertEquals(List.of(111L, 0xA1B2C3D4L, 333L), ssrcs(seen.codecs().get(0).layers()));

        int again = b.updates.size();
        on(pa, () -> pa.setLayerSsrc(pub.sid(), "video/VP8", "q", 0, 999L));
        assertEquals(again, b.updates.size(), "a known SSRC is kept, so nothing is sent");
        assertEquals(111L, lastTrack(b, "a", pub.sid()).layers().get(0).ssrc());
    }

    /** The RTX SSRC of a layer is kept without an update of its own and goes out with the next one (LiveKit). */
    @Test
    void layerRepairSsrcGoesOutWithTheNextUpdate() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", new RecordingSink());
        join("b", b);
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(camera("vp8")));
        on(pa, () -> pa.setLayerSsrc(ti.sid(), "video/VP8", "f", 2, 300L));
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("cam", "2", "video/VP8"));
        on(pa, () -> pa.setLayerSsrc(pub.sid(), "video/VP8", "q", 0, 100L));
        int updates = b.updates.size();
        TrackInfo t = on(pa, () -> pa.setLayerRepairSsrc(pub.sid(), 300L, 301L));
        assertEquals(updates, b.updates.size(), "no update of its own");
        assertEquals(List.of(0L, 0L, 301L), t.layers().stream().map(VideoLayer::repairSsrc).toList());
        assertEquals(List.of(0L, 0L, 301L), t.codecs().get(0).layers().stream().map(VideoLayer::repairSsrc).toList());
        assertTrue(on(pa, () -> pa.setLayerRepairSsrc(pub.sid(), 300L, 999L)).layers().get(2).repairSsrc() == 301L,
                "a known repair SSRC is kept");
        on(pa, () -> pa.setLayerSsrc(pub.sid(), "video/VP8", "h", 1, 200L));
        assertEquals(301L, lastTrack(b, "a", pub.sid()).layers().get(2).repairSsrc(), "in the next update");
    }

    /** Layers without rids match by quality; media without a rid is the lowest layer; a backup codec keeps TrackInfo.layers. */
    @Test
    void layerSsrcWithoutRids() {
        VideoLayer lo = new VideoLayer(0, 320, 180, 0, 0, 0, "");
        VideoLayer hi = new VideoLayer(2, 1280, 720, 0, 0, 0, "");
        TrackInfo t = new TrackInfo("TR_x", "cam", TrackType.VIDEO, "camera", false, 1280, 720, TrackSource.CAMERA,
                "video/H264", "2", true, false, false, false, "", 0, 1,
                List.of(new TrackCodec("video/H264", "2", "cam", List.of(lo, hi), 1),
                        new TrackCodec("video/VP8", "", "", List.of(lo, hi), 1)), List.of(lo, hi), List.of(), 0);
        TrackInfo byQuality = t.withLayerSsrc("video/H264", "f", 2, 7L);
        assertEquals(List.of(0L, 7L), ssrcs(byQuality.layers()));
        assertEquals(List.of(0L, 0L), ssrcs(byQuality.codecs().get(1).layers()));
        TrackInfo noRid = t.withLayerSsrc("video/H264", "", 0, 9L);
        assertEquals(List.of(9L, 0L), ssrcs(noRid.codecs().get(0).layers()));
        TrackInfo backup = t.withLayerSsrc("video/VP8", "q", 0, 5L);
        assertEquals(List.of(5L, 0L), ssrcs(backup.codecs().get(1).layers()));
        assertEquals(List.of(0L, 0L), ssrcs(backup.layers()), "TrackInfo.layers follow the primary codec only");
        assertTrue(t.withLayerSsrc("video/H264", "x", 1, 5L) == t, "no layer of that quality: unchanged");
    }

    private static List<Long> ssrcs(List<VideoLayer> layers) {
        return layers.stream().map(VideoLayer::ssrc).toList();
    }

    @Test
    void h264DisabledInConfigFallsBackAndBackupCodecStays() throws Exception {
        start(PublishCodecs.of(List.of(new PublishCodecs.Enabled("video/VP8", ""),
                new PublishCodecs.Enabled("audio/opus", ""))));
        Participant pa = join("a", new RecordingSink());
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(camera("h264")));
        assertEquals("video/VP8", ti.codecs().get(0).mimeType());
        assertEquals(Map.of("cam", "VP8"), on(pa, pa::requestedVideoCodecs));
        assertEquals(List.of("VP8"), pa.room().publishCodecs().videoCodecNames());
    }

    @Test
    void h264WithVp8BackupListsBothAndThePublishedOneGetsTheMid() throws Exception {
        start(PublishCodecs.defaults());
        Participant pa = join("a", new RecordingSink());
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(camera("h264", "vp8")));
        assertEquals(List.of("video/H264", "video/VP8"), ti.codecs().stream().map(TrackCodec::mimeType).toList());
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("cam", "2", "video/H264"));
        assertEquals(List.of("2", ""), pub.codecs().stream().map(TrackCodec::mid).toList(),
                "the backup codec is not published until asked for");
    }

    @Test
    void audioFeaturesKeepTheRequestAndTheDeprecatedBooleans() throws Exception {
        start(PublishCodecs.defaults());
        Participant pa = join("a", new RecordingSink());
        // TF_ECHO_CANCELLATION (3) twice, TF_NOISE_SUPPRESSION (4), stereo given only as the boolean
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(mic(List.of(3, 4, 3), true)));
        assertEquals(List.of(3, 4, TrackInfo.TF_STEREO), ti.audioFeatures());
        assertEquals(1, ti.backupCodecPolicy(), "audio: PREFER_REGRESSION becomes SIMULCAST");
        assertEquals(List.of(""), ti.codecs().stream().map(TrackCodec::mimeType).toList());
        assertEquals("mic", ti.codecs().get(0).cid());
    }

    @Test
    void updateLocalAudioTrackOnAPublishedTrackIsBroadcastToEverybody() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", a);
        join("b", b);
        on(pa, () -> pa.addPendingTrack(mic(List.of(3), false)));
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("mic", "1", "audio/opus"));
        long before = on(pa, () -> pa.info().version());
        int aUpdates = a.updates.size();
        int bUpdates = b.updates.size();

        TrackInfo nt = on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio(pub.sid(), List.of(0, 1, 4, 4))));
        assertEquals(List.of(0, 1, 4), nt.audioFeatures());
        assertTrue(nt.stereo());
        assertTrue(nt.disableDtx());
        assertTrue(on(pa, () -> pa.info().version()) > before);
        assertEquals(aUpdates + 1, a.updates.size(), "the publisher gets the update too");
        assertEquals(bUpdates + 1, b.updates.size());
        assertEquals(List.of(0, 1, 4), lastTrack(b, "a", pub.sid()).audioFeatures());

        // features replace the old ones: dropping TF_STEREO clears stereo
        TrackInfo again = on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio(pub.sid(), List.of(1))));
        assertFalse(again.stereo());
        assertEquals(List.of(1), lastTrack(b, "a", pub.sid()).audioFeatures());
        assertEquals(0, a.count("updateNotFound"));
    }

    /**
     * A huge UpdateLocalAudioTrack / AddTrackRequest feature list (a 2 MB signal message holds ~700k
     * distinct varints) is deduplicated without quadratic work on the room loop and kept bounded: the
     * smallest distinct values, sorted as LiveKit's DedupeSlice sorts them.
     */
    @Test
    void hugeAudioFeatureListsAreCheapAndBounded() throws Exception {
        start(PublishCodecs.defaults());
        Participant pa = join("a", new RecordingSink());
        List<Integer> huge = new java.util.ArrayList<>();
        for (int i = 300_000; i > 0; i--) {
            huge.add(i);
        }
        huge.add(4);
        huge.add(1);
        long t0 = System.nanoTime();
        TrackInfo ti = on(pa, () -> pa.addPendingTrack(mic(huge, false)));
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("mic", "1", "audio/opus"));
        TrackInfo nt = on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio(pub.sid(), huge)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "took " + ms + " ms on the room loop");
        assertEquals(TrackInfo.MAX_AUDIO_FEATURES, ti.audioFeatures().size());
        assertEquals(TrackInfo.MAX_AUDIO_FEATURES, nt.audioFeatures().size());
        assertEquals(List.of(1, 2, 3, 4, 5), nt.audioFeatures().subList(0, 5), "sorted, duplicates dropped");
        assertTrue(nt.disableDtx());
        assertFalse(nt.stereo());
        // LiveKit's order: sorted request features, then TF_STEREO for the deprecated boolean
        assertEquals(List.of(3, 4, TrackInfo.TF_STEREO),
                on(pa, () -> pa.addPendingTrack(new AddTrack("mic2", "mic2", TrackType.AUDIO, 0, 0, false, false,
                        TrackSource.MICROPHONE, false, true, false, "", 0, "", List.of(), List.of(), List.of(4, 3, 4), 0)))
                        .audioFeatures());
    }

    /**
     * AddTrackRequests whose media never comes stay pending; like LiveKit (cMaxPendingTracks = 20) a
     * participant gets at most {@link Participant#MAX_PENDING_TRACKS}, then LIMIT_EXCEEDED and no
     * TrackPublishedResponse; a repeated request for a pending cid is still answered.
     */
    @Test
    void pendingTracksAreBounded() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink a = new RecordingSink();
        Participant pa = join("a", a);
        for (int i = 0; i < 1000; i++) {
            String cid = "mic" + i;
            on(pa, () -> pa.addPendingTrack(new AddTrack(cid, cid, TrackType.AUDIO, 0, 0, false, false,
                    TrackSource.MICROPHONE, false, false, false, "", 0, "", List.of(), List.of(), List.of(), 0)));
        }
        assertEquals(Participant.MAX_PENDING_TRACKS, on(pa, () -> pa.pendingTracks().size()));
        assertEquals(Participant.MAX_PENDING_TRACKS, a.count("trackPublished:"));
        assertEquals(1000 - Participant.MAX_PENDING_TRACKS, a.count("rr:0:LIMIT_EXCEEDED"));
        assertTrue(on(pa, () -> pa.addPendingTrack(new AddTrack("mic0", "mic0", TrackType.AUDIO, 0, 0, false, false,
                TrackSource.MICROPHONE, false, false, false, "", 0, "", List.of(), List.of(), List.of(), 0))) != null);
        // publishing one frees a place
        on(pa, () -> pa.publishPendingTrack("mic1", "1", "audio/opus"));
        assertTrue(on(pa, () -> pa.addPendingTrack(new AddTrack("late", "late", TrackType.AUDIO, 0, 0, false, false,
                TrackSource.MICROPHONE, false, false, false, "", 0, "", List.of(), List.of(), List.of(), 0))) != null);
    }

    @Test
    void updateLocalVideoTrackChangesTheSize() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", new RecordingSink());
        join("b", b);
        on(pa, () -> pa.addPendingTrack(camera("vp8")));
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("cam", "2", "video/VP8"));
        on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.video(pub.sid(), 640, 480)));
        TrackInfo seen = lastTrack(b, "a", pub.sid());
        assertEquals(640, seen.width());
        assertEquals(480, seen.height());
        assertEquals(List.of(pub.sid() + ":640x480"), resized, "media maps subscriber sizes against the new size");
        // an audio update on a video track changes nothing (LiveKit checks the kind) but is broadcast
        int n = b.updates.size();
        TrackInfo same = on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio(pub.sid(), List.of(0))));
        assertEquals(List.of(), same.audioFeatures());
        assertEquals(n + 1, b.updates.size());
    }

    @Test
    void updateOfAPendingTrackIsSilentAndShowsOncePublished() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", new RecordingSink());
        join("b", b);
        TrackInfo pending = on(pa, () -> pa.addPendingTrack(mic(List.of(), false)));
        int n = b.updates.size();
        assertEquals(List.of(0), on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio(pending.sid(), List.of(0))))
                .audioFeatures());
        assertEquals(n, b.updates.size(), "nothing to broadcast for a pending track");
        TrackInfo pub = on(pa, () -> pa.publishPendingTrack("mic", "1", "audio/opus"));
        assertTrue(pub.stereo());
        assertEquals(List.of(0), lastTrack(b, "a", pub.sid()).audioFeatures());
    }

    @Test
    void unknownTrackSidIsNotFoundAndNothingIsBroadcast() throws Exception {
        start(PublishCodecs.defaults());
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Participant pa = join("a", a);
        join("b", b);
        int n = b.updates.size();
        assertNull(on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.audio("TR_nope", List.of(0)))));
        assertNull(on(pa, () -> pa.updateLocalTrack(LocalTrackUpdate.video("TR_nope2", 1, 1))));
        assertEquals(List.of("updateNotFound:TR_nope", "updateNotFound:TR_nope2"),
                a.events.stream().filter(e -> e.startsWith("updateNotFound")).toList());
        assertEquals(n, b.updates.size());
    }
}
