package org.jsfu.signaling.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.TrackSource;
import org.jsfu.core.room.TrackType;
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
}
