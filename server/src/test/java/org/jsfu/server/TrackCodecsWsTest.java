package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.JOIN;
import static livekit.LivekitRtc.SignalResponse.MessageCase.REQUEST_RESPONSE;
import static livekit.LivekitRtc.SignalResponse.MessageCase.TRACK_PUBLISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.util.List;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import livekit.LivekitModels.AudioTrackFeature;
import livekit.LivekitRtc;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.junit.jupiter.api.Test;

/**
 * AddTrackRequest codecs and UpdateLocalAudioTrack / UpdateLocalVideoTrack over /rtc, as livekit-client
 * sends them: the TrackPublishedResponse names the codec the server accepts (the fallback for VP9 / AV1 /
 * a codec room.enabled_codecs leaves out), with the request's layers; track updates reach the room.
 */
class TrackCodecsWsTest {
    private static String tok(String identity, String room) {
        return Tokens.token(identity, new RoomJoin(true), new RoomName(room));
    }

    private static LivekitModels.VideoLayer layer(LivekitModels.VideoQuality q, int w, int h, String rid) {
        return LivekitModels.VideoLayer.newBuilder().setQuality(q).setWidth(w).setHeight(h).setRid(rid).build();
    }

    /** livekit-client's camera request: videoCodec first, backupCodec (vp8) after it, layers high to low. */
    private static LivekitRtc.SignalRequest camera(String cid, String codec, String backup) {
        LivekitRtc.AddTrackRequest.Builder b = LivekitRtc.AddTrackRequest.newBuilder().setCid(cid).setName("camera")
                .setType(LivekitModels.TrackType.VIDEO).setSource(LivekitModels.TrackSource.CAMERA)
                .setWidth(1280).setHeight(720)
                .addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec(codec).setCid(cid))
                .addLayers(layer(LivekitModels.VideoQuality.HIGH, 1280, 720, "f"))
                .addLayers(layer(LivekitModels.VideoQuality.MEDIUM, 640, 360, "h"))
                .addLayers(layer(LivekitModels.VideoQuality.LOW, 320, 180, "q"));
        if (backup != null) {
            b.addSimulcastCodecs(LivekitRtc.SimulcastCodec.newBuilder().setCodec(backup).setCid(""));
        }
        return LivekitRtc.SignalRequest.newBuilder().setAddTrack(b).build();
    }

    private static List<String> mimes(LivekitModels.TrackInfo t) {
        return t.getCodecsList().stream().map(LivekitModels.SimulcastCodecInfo::getMimeType).toList();
    }

    /** JoinResponse.enabled_publish_codecs as "mime" or "mime;fmtp". */
    private static List<String> enabledPublishCodecs(LivekitRtc.SignalResponse join) {
        return join.getJoin().getEnabledPublishCodecsList().stream()
                .map(c -> c.getFmtpLine().isEmpty() ? c.getMime() : c.getMime() + ";" + c.getFmtpLine()).toList();
    }

    private static LivekitModels.TrackInfo publishedFor(WsClient c, String cid) throws InterruptedException {
        return c.await(r -> r.hasTrackPublished() && r.getTrackPublished().getCid().equals(cid), 5000)
                .getTrackPublished().getTrack();
    }

    @Test
    void unforwardedCodecsFallBackToVp8AndH264IsKept() throws Exception {
        try (TestServer server = TestServer.start("", null);
             WsClient a = WsClient.join(server, tok("alice", "codec-default"))) {
            assertEquals(List.of("video/VP8", "video/H264", "audio/opus", "audio/red"),
                    enabledPublishCodecs(a.await(JOIN)),
                    "LiveKit's default enabled codecs restricted to the forwarded ones, video first, VP8 first");
            a.send(camera("cam-vp9", "vp9", "vp8"));
            LivekitModels.TrackInfo vp9 = publishedFor(a, "cam-vp9");
            assertEquals(List.of("video/VP8"), mimes(vp9), "VP9 is not forwarded; its vp8 backup merges into the fallback");
            assertEquals("cam-vp9", vp9.getCodecs(0).getCid());
            assertEquals(List.of(LivekitModels.VideoQuality.LOW, LivekitModels.VideoQuality.MEDIUM,
                    LivekitModels.VideoQuality.HIGH), vp9.getCodecs(0).getLayersList().stream()
                    .map(LivekitModels.VideoLayer::getQuality).toList(), "layers sorted by quality");
            assertEquals(3, vp9.getLayersCount());
            assertTrue(vp9.getSimulcast());
            assertEquals("", vp9.getMimeType(), "the top-level MIME type comes with the media");

            a.send(camera("cam-av1", "av1", null));
            assertEquals(List.of("video/VP8"), mimes(publishedFor(a, "cam-av1")));
            a.send(camera("cam-h264", "h264", "vp8"));
            assertEquals(List.of("video/H264", "video/VP8"), mimes(publishedFor(a, "cam-h264")),
                    "an accepted codec keeps its backup");
        }
    }

    @Test
    void roomEnabledCodecsIsHonoured() throws Exception {
        String yaml = "room:\n  enabled_codecs:\n    - mime: audio/opus\n    - mime: video/vp9\n    - mime: audio/PCMU\n"
                + "    - mime: video/h264\n    - mime: video/h264\n      fmtp_line: profile-level-id=42e01f\n";
        try (TestServer server = TestServer.start(yaml, null);
             WsClient a = WsClient.join(server, tok("alice", "codec-h264-only"))) {
            assertEquals(List.of("video/H264", "video/H264;profile-level-id=42e01f", "audio/opus"),
                    enabledPublishCodecs(a.await(JOIN)), "room.enabled_codecs that are forwarded (no VP9, PCMU), video first");
            a.send(camera("cam-vp8", "vp8", null));
            assertEquals(List.of("video/H264"), mimes(publishedFor(a, "cam-vp8")),
                    "VP8 is not enabled: the first enabled video codec");
            a.send(camera("cam-vp9", "vp9", "vp8"));
            assertEquals(List.of("video/H264"), mimes(publishedFor(a, "cam-vp9")));
        }
    }

    @Test
    void updateLocalAudioAndVideoTrack() throws Exception {
        try (TestServer server = TestServer.start("", null);
             WsClient a = WsClient.join(server, tok("alice", "track-updates"));
             WsClient b = WsClient.join(server, tok("bob", "track-updates"))) {
            a.await(JOIN);
            b.await(JOIN);
            a.send(LivekitRtc.SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
                    .setCid("mic").setType(LivekitModels.TrackType.AUDIO).setSource(LivekitModels.TrackSource.MICROPHONE)
                    .addAudioFeatures(AudioTrackFeature.TF_ECHO_CANCELLATION)).build());
            LivekitModels.TrackInfo mic = a.await(TRACK_PUBLISHED).getTrackPublished().getTrack();
            assertEquals(List.of(AudioTrackFeature.TF_ECHO_CANCELLATION), mic.getAudioFeaturesList());
            a.send(camera("cam", "vp8", null));
            LivekitModels.TrackInfo cam = publishedFor(a, "cam");
            // no media plane here: publish both as the media plane does when RTP arrives
            Room room = server.server.rooms().room("track-updates");
            Participant alice = room.loop().submit(() -> room.participant("alice")).get(5, TimeUnit.SECONDS);
            room.loop().submit(() -> {
                alice.publishPendingTrack("mic", "1", "audio/opus");
                return alice.publishPendingTrack("cam", "2", "video/VP8");
            }).get(5, TimeUnit.SECONDS);

            a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateAudioTrack(LivekitRtc.UpdateLocalAudioTrack.newBuilder()
                    .setTrackSid(mic.getSid()).addFeatures(AudioTrackFeature.TF_NO_DTX)
                    .addFeatures(AudioTrackFeature.TF_NOISE_SUPPRESSION)).build());
            List<AudioTrackFeature> want = List.of(AudioTrackFeature.TF_NO_DTX, AudioTrackFeature.TF_NOISE_SUPPRESSION);
            for (WsClient c : List.of(b, a)) {
                LivekitModels.TrackInfo seen = c.await(r -> r.hasUpdate() && trackOf(r, mic.getSid()) != null
                        && trackOf(r, mic.getSid()).getAudioFeaturesList().equals(want), 5000).getUpdate()
                        .getParticipants(0).getTracksList().stream().filter(t -> t.getSid().equals(mic.getSid()))
                        .findFirst().orElseThrow();
                assertTrue(seen.getDisableDtx(), "TF_NO_DTX sets disable_dtx");
                assertEquals("audio/opus", seen.getMimeType());
            }

            // the JVM server SDK's ListParticipants shows it too
            io.livekit.server.RoomServiceClient svc = io.livekit.server.RoomServiceClient.createClient(server.http(),
                    TestServer.KEY, TestServer.SECRET);
            LivekitModels.ParticipantInfo listed = svc.listParticipants("track-updates").execute().body().stream()
                    .filter(p -> p.getIdentity().equals("alice")).findFirst().orElseThrow();
            assertEquals(want, listed.getTracksList().stream().filter(t -> t.getSid().equals(mic.getSid()))
                    .findFirst().orElseThrow().getAudioFeaturesList());

            a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateVideoTrack(LivekitRtc.UpdateLocalVideoTrack.newBuilder()
                    .setTrackSid(cam.getSid()).setWidth(640).setHeight(480)).build());
            b.await(r -> r.hasUpdate() && trackOf(r, cam.getSid()) != null && trackOf(r, cam.getSid()).getWidth() == 640
                    && trackOf(r, cam.getSid()).getHeight() == 480, 5000);

            // unknown track sids: request_response NOT_FOUND carrying the request
            a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateAudioTrack(LivekitRtc.UpdateLocalAudioTrack.newBuilder()
                    .setTrackSid("TR_unknown").addFeatures(AudioTrackFeature.TF_STEREO)).build());
            LivekitRtc.RequestResponse rr = a.await(REQUEST_RESPONSE).getRequestResponse();
            assertEquals(LivekitRtc.RequestResponse.Reason.NOT_FOUND, rr.getReason());
            assertEquals("TR_unknown", rr.getUpdateAudioTrack().getTrackSid());
            assertEquals(List.of(AudioTrackFeature.TF_STEREO), rr.getUpdateAudioTrack().getFeaturesList());
            a.send(LivekitRtc.SignalRequest.newBuilder().setUpdateVideoTrack(LivekitRtc.UpdateLocalVideoTrack.newBuilder()
                    .setTrackSid("TR_unknown2").setWidth(1).setHeight(2)).build());
            LivekitRtc.RequestResponse rv = a.await(REQUEST_RESPONSE).getRequestResponse();
            assertEquals(LivekitRtc.RequestResponse.Reason.NOT_FOUND, rv.getReason());
            assertEquals("TR_unknown2", rv.getUpdateVideoTrack().getTrackSid());
        }
    }

    private static LivekitModels.TrackInfo trackOf(LivekitRtc.SignalResponse r, String sid) {
        for (LivekitModels.ParticipantInfo p : r.getUpdate().getParticipantsList()) {
            for (LivekitModels.TrackInfo t : p.getTracksList()) {
                if (t.getSid().equals(sid)) {
                    return t;
                }
            }
        }
        return null;
    }
}
