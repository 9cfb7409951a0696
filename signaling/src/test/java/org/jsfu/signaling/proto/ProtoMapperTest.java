package org.jsfu.signaling.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackSource;
import org.jsfu.core.room.TrackType;
import org.jsfu.core.room.VideoLayer;
import org.junit.jupiter.api.Test;

class ProtoMapperTest {
    /** livekit-client sends publishDefaults.videoCodec as the first SimulcastCodec of AddTrackRequest. */
    @Test
    void addTrackKeepsTheRequestedVideoCodec() {
        LivekitRtc.AddTrackRequest req = LivekitRtc.AddTrackRequest.newBuilder()
                .setCid("cam-cid").setType(LivekitModels.TrackType.VIDEO).setSource(LivekitModels.TrackSource.CAMERA)
                .setWidth(640).setHeight(360)
                .addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec("h264").setCid("cam-cid"))
                .build();
        AddTrack t = ProtoMapper.addTrack(req);
        assertEquals("h264", t.videoCodec());
        assertEquals(TrackType.VIDEO, t.type());
        assertEquals(TrackSource.CAMERA, t.source());

        AddTrack screenAudio = ProtoMapper.addTrack(LivekitRtc.AddTrackRequest.newBuilder().setCid("a")
                .setType(LivekitModels.TrackType.AUDIO).setSource(LivekitModels.TrackSource.SCREEN_SHARE_AUDIO).build());
        assertTrue(screenAudio.videoCodec().isEmpty());
        assertEquals(TrackSource.SCREEN_SHARE_AUDIO, screenAudio.source());
    }

    /** AddTrackRequest.layers (quality and size per simulcast layer) reach the core and TrackInfo.layers. */
    @Test
    void simulcastLayersAreKept() {
        LivekitRtc.AddTrackRequest req = LivekitRtc.AddTrackRequest.newBuilder()
                .setCid("cam").setType(LivekitModels.TrackType.VIDEO).setWidth(640).setHeight(360)
                .addLayers(LivekitModels.VideoLayer.newBuilder().setQuality(LivekitModels.VideoQuality.LOW)
                        .setWidth(320).setHeight(180))
                .addLayers(LivekitModels.VideoLayer.newBuilder().setQuality(LivekitModels.VideoQuality.MEDIUM)
                        .setWidth(640).setHeight(360))
                .build();
        AddTrack t = ProtoMapper.addTrack(req);
        assertEquals(List.of(new VideoLayer(0, 320, 180), new VideoLayer(1, 640, 360)), t.layers());
        assertTrue(t.simulcast());
        TrackInfo info = new TrackInfo("TR_v", "cam", TrackType.VIDEO, "camera", false, 640, 360,
                TrackSource.CAMERA, "video/VP8", "1", true, false, false, false, "", 0, 1, t.layers());
        LivekitModels.TrackInfo p = ProtoMapper.track(info.withMuted(true, 2).published("2", null, 3));
        assertEquals(2, p.getLayersCount());
        assertEquals(LivekitModels.VideoQuality.MEDIUM, p.getLayers(1).getQuality());
        assertEquals(640, p.getLayers(1).getWidth());
        assertEquals(180, p.getLayers(0).getHeight());
    }

    /** Newer SDKs send stereo and no-DTX as audio_features; the deprecated booleans still count. */
    @Test
    void addTrackReadsAudioFeatures() {
        AddTrack f = ProtoMapper.addTrack(LivekitRtc.AddTrackRequest.newBuilder().setCid("m")
                .setType(LivekitModels.TrackType.AUDIO)
                .addAudioFeatures(LivekitModels.AudioTrackFeature.TF_STEREO)
                .addAudioFeatures(LivekitModels.AudioTrackFeature.TF_NO_DTX).build());
        assertTrue(f.stereo());
        assertTrue(f.disableDtx());
        AddTrack legacy = ProtoMapper.addTrack(LivekitRtc.AddTrackRequest.newBuilder().setCid("m")
                .setType(LivekitModels.TrackType.AUDIO).setStereo(true).build());
        assertTrue(legacy.stereo());
        assertFalse(legacy.disableDtx());
        AddTrack mono = ProtoMapper.addTrack(LivekitRtc.AddTrackRequest.newBuilder().setCid("m")
                .setType(LivekitModels.TrackType.AUDIO)
                .addAudioFeatures(LivekitModels.AudioTrackFeature.TF_ECHO_CANCELLATION).build());
        assertFalse(mono.stereo());
        assertFalse(mono.disableDtx());
    }

    /** TrackInfo.codecs carries the negotiated codec (SDKs read the mime type for codec fallback). */
    @Test
    void trackInfoCarriesCodecsAndAudioFeatures() {
        TrackInfo pending = new TrackInfo("TR_a", "mic-cid", TrackType.AUDIO, "mic", false, 0, 0,
                TrackSource.MICROPHONE, "", "", false, true, true, false, "", 0, 1);
        LivekitModels.TrackInfo p = ProtoMapper.track(pending);
        assertEquals(0, p.getCodecsCount(), "no codec before negotiation: an empty mime type is no choice");
        assertEquals(List.of(LivekitModels.AudioTrackFeature.TF_STEREO, LivekitModels.AudioTrackFeature.TF_NO_DTX),
                p.getAudioFeaturesList());

        LivekitModels.TrackInfo published = ProtoMapper.track(pending.published("0", "audio/opus", 2));
        LivekitModels.SimulcastCodecInfo c = published.getCodecs(0);
        assertEquals("audio/opus", c.getMimeType());
        assertEquals("0", c.getMid());
        assertEquals("mic-cid", c.getCid());
        assertEquals("audio/opus", published.getMimeType());
    }
}
