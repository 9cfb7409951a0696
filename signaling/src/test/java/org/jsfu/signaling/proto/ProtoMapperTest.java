package org.jsfu.signaling.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.LocalTrackUpdate;
import org.jsfu.core.room.SimulcastCodec;
import org.jsfu.core.room.TrackCodec;
import org.jsfu.core.room.VideoLayer;
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
        assertEquals(List.of(new VideoLayer(0, 320, 180, 0, 0, 0, ""), new VideoLayer(1, 640, 360, 0, 0, 0, "")),
                t.layers());
        assertTrue(t.simulcast());
        TrackInfo info = new TrackInfo("TR_v", "cam", TrackType.VIDEO, "camera", false, 640, 360,
                TrackSource.CAMERA, "video/VP8", "1", true, false, false, false, "", 0, 1, List.of(), t.layers(),
                List.of(), 0);
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
        assertEquals(0, p.getCodecsCount(), "a TrackInfo built without codecs has none before negotiation");
        assertEquals(List.of(LivekitModels.AudioTrackFeature.TF_STEREO, LivekitModels.AudioTrackFeature.TF_NO_DTX),
                p.getAudioFeaturesList());

        LivekitModels.TrackInfo published = ProtoMapper.track(pending.published("0", "audio/opus", 2));
        LivekitModels.SimulcastCodecInfo c = published.getCodecs(0);
        assertEquals("audio/opus", c.getMimeType());
        assertEquals("0", c.getMid());
        assertEquals("mic-cid", c.getCid());
        assertEquals("audio/opus", published.getMimeType());
    }

    private static LivekitModels.VideoLayer layer(LivekitModels.VideoQuality q, int w, int h, int bps, String rid) {
        return LivekitModels.VideoLayer.newBuilder().setQuality(q).setWidth(w).setHeight(h).setBitrate(bps)
                .setRid(rid).setSsrc(0xF0000001).build();
    }

    /** What livekit-client sends for a camera with videoCodec vp9 and backupCodec vp8. */
    @Test
    void addTrackKeepsSimulcastCodecsLayersFeaturesAndPolicy() {
        LivekitRtc.AddTrackRequest req = LivekitRtc.AddTrackRequest.newBuilder()
                .setCid("cam").setType(LivekitModels.TrackType.VIDEO).setSource(LivekitModels.TrackSource.CAMERA)
                .setWidth(1280).setHeight(720)
                .addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec("vp9").setCid("cam"))
                .addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec("vp8").setCid("")
                        .addLayers(layer(LivekitModels.VideoQuality.LOW, 320, 180, 100_000, "q")))
                .addLayers(layer(LivekitModels.VideoQuality.HIGH, 1280, 720, 1_700_000, "f"))
                .addLayers(layer(LivekitModels.VideoQuality.LOW, 320, 180, 150_000, "q"))
                .setBackupCodecPolicy(LivekitModels.BackupCodecPolicy.SIMULCAST)
                .addAudioFeaturesValue(3)
                .build();
        AddTrack t = ProtoMapper.addTrack(req);
        assertEquals(List.of(new SimulcastCodec("vp9", "cam", List.of(), 0),
                new SimulcastCodec("vp8", "", List.of(new VideoLayer(0, 320, 180, 100_000, 0xF0000001L, 0, "q")), 0)),
                t.simulcastCodecs());
        assertEquals(List.of(new VideoLayer(2, 1280, 720, 1_700_000, 0xF0000001L, 0, "f"),
                new VideoLayer(0, 320, 180, 150_000, 0xF0000001L, 0, "q")), t.layers());
        assertEquals(1, t.backupCodecPolicy());
        assertEquals(List.of(3), t.audioFeatures());
        assertEquals("vp9", t.videoCodec());
    }

    @Test
    void trackInfoCarriesCodecLayersModeAndPolicy() {
        VideoLayer low = new VideoLayer(0, 320, 180, 150_000, 0, 0, "q");
        VideoLayer high = new VideoLayer(2, 1280, 720, 1_700_000, 0xF0000003L, 0, "f", 0xF0000004L);
        TrackInfo t = new TrackInfo("TR_v", "cam", TrackType.VIDEO, "camera", false, 1280, 720, TrackSource.CAMERA,
                "", "", true, false, false, false, "", 0, 1,
                List.of(new TrackCodec("video/VP8", "", "cam", List.of(low, high), 1),
                        new TrackCodec("video/H264", "", "", List.of(low, high), 1)),
                List.of(low, high), List.of(), 0);
        LivekitModels.TrackInfo p = ProtoMapper.track(t);
        assertEquals(List.of("video/VP8", "video/H264"), p.getCodecsList().stream()
                .map(LivekitModels.SimulcastCodecInfo::getMimeType).toList());
        assertEquals("", p.getMimeType(), "no top-level MIME type until negotiated");
        LivekitModels.SimulcastCodecInfo vp8 = p.getCodecs(0);
        assertEquals(LivekitModels.VideoLayer.Mode.ONE_SPATIAL_LAYER_PER_STREAM, vp8.getVideoLayerMode());
        assertEquals(2, vp8.getLayersCount());
        assertEquals(LivekitModels.VideoQuality.HIGH, vp8.getLayers(1).getQuality());
        assertEquals("f", vp8.getLayers(1).getRid());
        assertEquals(1_700_000, vp8.getLayers(1).getBitrate());
        assertEquals(0xF0000003L, Integer.toUnsignedLong(vp8.getLayers(1).getSsrc()), "SSRCs learnt from the media");
        assertEquals(0xF0000004L, Integer.toUnsignedLong(p.getLayers(1).getRepairSsrc()));
        assertEquals(high, ProtoMapper.layer(p.getLayers(1)));
        assertEquals(2, p.getLayersCount());
        assertTrue(p.getSimulcast());

        LivekitModels.TrackInfo mic = ProtoMapper.track(new TrackInfo("TR_a", "mic", TrackType.AUDIO, "mic", false,
                0, 0, TrackSource.MICROPHONE, "", "", false, true, true, false, "", 0, 1,
                List.of(new TrackCodec("", "", "mic", List.of(), 1)), List.of(), List.of(3, 0), 1));
        assertEquals(List.of(LivekitModels.AudioTrackFeature.TF_ECHO_CANCELLATION,
                LivekitModels.AudioTrackFeature.TF_STEREO, LivekitModels.AudioTrackFeature.TF_NO_DTX),
                mic.getAudioFeaturesList(), "TF_STEREO once; TF_NO_DTX added for disable_dtx");
        assertEquals(LivekitModels.BackupCodecPolicy.SIMULCAST, mic.getBackupCodecPolicy());
        assertEquals("mic", mic.getCodecs(0).getCid());
        assertEquals("", mic.getCodecs(0).getMimeType());
    }

    @Test
    void trackUpdatesAndTheirNotFoundAnswer() {
        LocalTrackUpdate a = ProtoMapper.audioUpdate(LivekitRtc.UpdateLocalAudioTrack.newBuilder().setTrackSid("TR_a")
                .addFeatures(LivekitModels.AudioTrackFeature.TF_NO_DTX)
                .addFeatures(LivekitModels.AudioTrackFeature.TF_NOISE_SUPPRESSION).build());
        assertEquals(LocalTrackUpdate.audio("TR_a", List.of(1, 4)), a);
        LocalTrackUpdate v = ProtoMapper.videoUpdate(LivekitRtc.UpdateLocalVideoTrack.newBuilder().setTrackSid("TR_v")
                .setWidth(640).setHeight(480).build());
        assertEquals(LocalTrackUpdate.video("TR_v", 640, 480), v);

        LivekitRtc.RequestResponse ra = ProtoMapper.trackUpdateNotFound(a);
        assertEquals(LivekitRtc.RequestResponse.Reason.NOT_FOUND, ra.getReason());
        assertEquals("TR_a", ra.getUpdateAudioTrack().getTrackSid());
        assertEquals(List.of(LivekitModels.AudioTrackFeature.TF_NO_DTX,
                LivekitModels.AudioTrackFeature.TF_NOISE_SUPPRESSION), ra.getUpdateAudioTrack().getFeaturesList());
        LivekitRtc.RequestResponse rv = ProtoMapper.trackUpdateNotFound(v);
        assertEquals(640, rv.getUpdateVideoTrack().getWidth());
        assertEquals(480, rv.getUpdateVideoTrack().getHeight());
        assertEquals("TR_v", rv.getUpdateVideoTrack().getTrackSid());
    }
}
