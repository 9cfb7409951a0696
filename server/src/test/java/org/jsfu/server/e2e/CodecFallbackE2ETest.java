package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.jsfu.server.testparts.WebhookSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Codec fallback with real livekit-client in Chromium (e2e/tests/codecs.test.mjs): the camera published
 * with videoCodec vp9 and av1 comes out as VP8, which the track_published webhooks name too; and
 * UpdateLocalAudioTrack reaches the other participant and RoomService.
 */
class CodecFallbackE2ETest {
    private static E2eServer e2e;
    private static WebhookSink hook;

    @BeforeAll
    static void startServer() throws Exception {
        hook = WebhookSink.start("devkey", "secret");
        e2e = E2eServer.start("", hook.port(), null);
    }

    @AfterAll
    static void stopServer() {
        if (e2e != null) {
            e2e.close();
        }
        if (hook != null) {
            hook.close();
        }
    }

    @Test
    void vp9AndAv1PublishAsVp8() throws Exception {
        String prefix = "fallback-" + Long.toHexString(System.nanoTime());
        e2e.runner().env("E2E_ROOM", prefix).timeout(Duration.ofMinutes(3))
                .runAndAssertPass("tests/codecs.test.mjs");
        List<LivekitModels.TrackInfo> video = List.of();
        long end = System.currentTimeMillis() + 5_000;
        while (video.size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
            video = hook.events.stream()
                    .filter(e -> e.getEvent().equals("track_published") && e.getRoom().getName().startsWith(prefix))
                    .map(LivekitWebhook.WebhookEvent::getTrack)
                    .filter(t -> t.getType() == LivekitModels.TrackType.VIDEO).toList();
        }
        assertEquals(2, video.size(), "a camera published with vp9 and one with av1: " + video);
        for (LivekitModels.TrackInfo t : video) {
            assertEquals("video/VP8", t.getMimeType(), t.toString());
            assertEquals("video/VP8", t.getCodecs(0).getMimeType(), t.toString());
            assertTrue(t.getCodecs(0).getLayersCount() >= 1, "layers in the webhook: " + t);
        }
        assertEquals(List.of(), hook.rejected);
    }
}
