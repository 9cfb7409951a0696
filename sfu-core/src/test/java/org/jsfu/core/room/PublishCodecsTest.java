package org.jsfu.core.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublishCodecsTest {
    private static final VideoLayer LOW = new VideoLayer(0, 320, 180, 150_000, 0, 0, "q");
    private static final VideoLayer MID = new VideoLayer(1, 640, 360, 450_000, 0, 0, "h");
    private static final VideoLayer HIGH = new VideoLayer(2, 1280, 720, 1_700_000, 0, 0, "f");

    /** The camera request livekit-client sends: layers high to low (unsorted), codecs as given. */
    private static AddTrack camera(List<SimulcastCodec> codecs) {
        return new AddTrack("cam-cid", "camera", TrackType.VIDEO, 1280, 720, false, false, TrackSource.CAMERA,
                true, false, false, "", 0, codecs.isEmpty() ? "" : codecs.get(0).codec(), codecs,
                List.of(HIGH, LOW, MID), List.of(), 0);
    }

    private static SimulcastCodec codec(String name, String cid) {
        return new SimulcastCodec(name, cid, List.of(), 0);
    }

    private static PublishCodecs enabled(String... mimes) {
        List<PublishCodecs.Enabled> l = new java.util.ArrayList<>();
        for (String m : mimes) {
            l.add(new PublishCodecs.Enabled(m, ""));
        }
        return PublishCodecs.of(l);
    }

    @Test
    void defaultsAreTheForwardedCodecsVp8First() {
        PublishCodecs d = PublishCodecs.defaults();
        assertEquals(List.of("VP8", "H264"), d.videoCodecNames());
        assertTrue(d.isEnabled("video/vp8"));
        assertTrue(d.isEnabled("video/H264"));
        assertTrue(d.isEnabled("audio/opus"));
        assertFalse(d.isEnabled("video/VP9"), "not forwarded");
        assertFalse(d.isEnabled("video/AV1"), "not forwarded");
        assertEquals("video/VP8", d.alternativeVideo());
        assertEquals("audio/opus", d.alternativeAudio());
    }

    @Test
    void configOrderIsVp8ThenH264AndUnforwardedEntriesDrop() {
        PublishCodecs c = enabled("audio/opus", "video/h264", "video/vp9", "video/VP8", "video/av1", "audio/PCMU");
        assertEquals(List.of("VP8", "H264"), c.videoCodecNames());
        assertEquals(List.of("video/VP8", "video/H264", "audio/opus"),
                c.entries().stream().map(PublishCodecs.Enabled::mime).toList());
    }

    /**
     * A codec of the other kind is not the track's codec: LiveKit prefixes a video track's codec with
     * "video/" unless it already is a video MIME type ("audio/opus" becomes "video/audio/opus", not enabled)
     * and falls back; an audio track the same way.
     */
    @Test
    void aCodecOfTheOtherKindFallsBack() {
        List<TrackCodec> v = PublishCodecs.defaults().trackCodecs(camera(List.of(codec("audio/opus", "cam-cid"))));
        assertEquals(List.of("video/VP8"), v.stream().map(TrackCodec::mimeType).toList());
        AddTrack mic = new AddTrack("mic", "mic", TrackType.AUDIO, 0, 0, false, false, TrackSource.MICROPHONE, false,
                false, false, "", 0, "video/VP8", List.of(codec("video/VP8", "mic")), List.of(), List.of(), 0);
        assertEquals(List.of("audio/opus"),
                PublishCodecs.defaults().trackCodecs(mic).stream().map(TrackCodec::mimeType).toList());
    }

    @Test
    void unsupportedVideoCodecFallsBackToTheFirstEnabled() {
        for (String asked : List.of("vp9", "av1", "h265", "video/VP9")) {
            List<TrackCodec> cs = PublishCodecs.defaults().trackCodecs(camera(List.of(codec(asked, "cam-cid"))));
            assertEquals(1, cs.size(), asked);
            assertEquals("video/VP8", cs.get(0).mimeType(), asked);
            assertEquals("cam-cid", cs.get(0).cid());
            assertEquals("", cs.get(0).mid(), "mid only once negotiated");
            assertEquals(TrackCodec.ONE_SPATIAL_LAYER_PER_STREAM, cs.get(0).videoLayerMode());
            assertEquals(List.of(LOW, MID, HIGH), cs.get(0).layers(), "the request's layers sorted by quality");
        }
        // room.enabled_codecs without VP8: H264 is the fallback
        PublishCodecs h264Only = enabled("video/H264", "audio/opus");
        assertEquals("video/H264", h264Only.trackCodecs(camera(List.of(codec("vp9", "cam-cid")))).get(0).mimeType());
        assertEquals("video/H264", h264Only.trackCodecs(camera(List.of(codec("vp8", "cam-cid")))).get(0).mimeType());
        // no video codec enabled at all: VP8, as LiveKit
        assertEquals("video/VP8", enabled("audio/opus").trackCodecs(camera(List.of(codec("h264", "c")))).get(0).mimeType());
        // an empty codec name is treated as not enabled too
        assertEquals("video/VP8", PublishCodecs.defaults().trackCodecs(camera(List.of(codec("", "c")))).get(0).mimeType());
    }

    @Test
    void h264DisabledByConfigFallsBackToVp8() {
        PublishCodecs noH264 = enabled("audio/opus", "video/VP8");
        List<TrackCodec> cs = noH264.trackCodecs(camera(List.of(codec("h264", "cam-cid"))));
        assertEquals(List.of("video/VP8"), cs.stream().map(TrackCodec::mimeType).toList());
        assertEquals(List.of("VP8"), noH264.videoCodecNames());
    }

    @Test
    void backupCodecIsListedAfterThePrimaryAndDeduplicatedAfterFallback() {
        // livekit-client: videoCodec h264 with backupCodec vp8 (cid "" until the backup is published)
        List<TrackCodec> cs = PublishCodecs.defaults().trackCodecs(camera(List.of(codec("h264", "cam-cid"),
                codec("vp8", ""))));
        assertEquals(List.of("video/H264", "video/VP8"), cs.stream().map(TrackCodec::mimeType).toList());
        assertEquals(List.of("cam-cid", ""), cs.stream().map(TrackCodec::cid).toList());
        assertEquals(List.of(LOW, MID, HIGH), cs.get(1).layers());
        // vp9 with backup vp8: vp9 falls back to VP8, the backup is the same codec and is dropped
        List<TrackCodec> vp9 = PublishCodecs.defaults().trackCodecs(camera(List.of(codec("vp9", "cam-cid"),
                codec("vp8", ""))));
        assertEquals(List.of("video/VP8"), vp9.stream().map(TrackCodec::mimeType).toList());
        assertEquals("cam-cid", vp9.get(0).cid());
    }

    @Test
    void codecSpecificLayersWinOverTheRequestLayers() {
        SimulcastCodec h264 = new SimulcastCodec("h264", "cam-cid", List.of(MID, LOW), 0);
        List<TrackCodec> cs = PublishCodecs.defaults().trackCodecs(camera(List.of(h264, codec("vp8", ""))));
        assertEquals(List.of(LOW, MID), cs.get(0).layers());
        assertEquals(List.of(LOW, MID, HIGH), cs.get(1).layers());
        SimulcastCodec svc = new SimulcastCodec("vp8", "cam-cid", List.of(), TrackCodec.MULTIPLE_SPATIAL_LAYERS_PER_STREAM);
        assertEquals(TrackCodec.MULTIPLE_SPATIAL_LAYERS_PER_STREAM,
                PublishCodecs.defaults().trackCodecs(camera(List.of(svc))).get(0).videoLayerMode(), "as the client set it");
    }

    @Test
    void requestWithoutSimulcastCodecsGetsOneCodecWithoutMime() {
        AddTrack mic = new AddTrack("mic-cid", "mic", TrackType.AUDIO, 0, 0, false, false, TrackSource.MICROPHONE,
                false, false, false, "", 0);
        List<TrackCodec> cs = PublishCodecs.defaults().trackCodecs(mic);
        assertEquals(1, cs.size());
        assertEquals("", cs.get(0).mimeType());
        assertEquals("mic-cid", cs.get(0).cid());
        assertEquals(List.of(), cs.get(0).layers());
    }

    @Test
    void audioCodecThatIsNotForwardedFallsBackToOpus() {
        AddTrack pcmu = new AddTrack("mic", "mic", TrackType.AUDIO, 0, 0, false, false, TrackSource.MICROPHONE,
                false, false, false, "", 0, "pcmu");
        assertEquals("audio/opus", PublishCodecs.defaults().trackCodecs(pcmu).get(0).mimeType());
        AddTrack red = new AddTrack("mic", "mic", TrackType.AUDIO, 0, 0, false, false, TrackSource.MICROPHONE,
                false, false, false, "", 0, "red");
        assertEquals("audio/red", PublishCodecs.defaults().trackCodecs(red).get(0).mimeType());
    }

    @Test
    void fmtpRestrictedEntryDoesNotEnableAMimeOnlyRequest() {
        PublishCodecs c = PublishCodecs.of(List.of(new PublishCodecs.Enabled("video/H264",
                "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
                new PublishCodecs.Enabled("video/VP8", "")));
        assertFalse(c.isEnabled("video/H264"));
        assertEquals("video/VP8", c.trackCodecs(camera(List.of(codec("h264", "cam-cid")))).get(0).mimeType());
        assertEquals(List.of("VP8", "H264"), c.videoCodecNames(), "the answer still accepts that H264");
    }

    @Test
    void canonicalMimeSpellsLikeLiveKit() {
        assertEquals("video/VP9", PublishCodecs.canonicalMime("vp9", TrackType.VIDEO));
        assertEquals("video/H264", PublishCodecs.canonicalMime("Video/h264", null));
        assertEquals("audio/opus", PublishCodecs.canonicalMime("OPUS", TrackType.AUDIO));
        assertEquals("video/foo", PublishCodecs.canonicalMime("foo", TrackType.VIDEO));
        assertEquals("", PublishCodecs.canonicalMime("", TrackType.VIDEO));
    }
}
