package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import livekit.LivekitWebhook;
import org.jsfu.server.testparts.WebhookSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The media plane end to end: jsfu in-process with its real WebRTC media plane (one UDP port, a
 * 127.0.0.1 candidate), real livekit-client pages in Debian Chromium and @livekit/rtc-node clients
 * (e2e/tests/*.test.mjs), and a webhook receiver verifying with the Kotlin SDK.
 */
class MediaPlaneE2ETest {
    private static E2eServer e2e;
    private static WebhookSink hook;
    private static List<LivekitWebhook.WebhookEvent> events;
    private static List<String> rejected;

    @BeforeAll
    static void startServer() throws Exception {
        hook = WebhookSink.start("devkey", "secret");
        events = hook.events;
        rejected = hook.rejected;
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

    /** Chromium without UDP (disable_non_proxied_udp) publishes and subscribes over ICE-TCP. */
    @Test
    void browserOverIceTcp() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/icetcp.test.mjs");
    }

    @Test
    void browserPublisherAndSubscribers() throws Exception {
        // The other scenarios also have an "A": only this room's webhooks count.
        String room = "media-" + Long.toHexString(System.nanoTime());
        e2e.runner().env("E2E_ROOM", room).timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/media.test.mjs");
        // A left at the end of the scenario: its participant_left must have been webhooked.
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end && inRoom(room).noneMatch(
                e -> e.getEvent().equals("participant_left") && e.getParticipant().getIdentity().equals("A"))) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), rejected);
        assertTrue(inRoom(room).anyMatch(e -> e.getEvent().equals("participant_left")
                && e.getParticipant().getIdentity().equals("A")), "participant_left for A in " + room + ": " + events);
        for (livekit.LivekitModels.TrackType type : List.of(livekit.LivekitModels.TrackType.AUDIO,
                livekit.LivekitModels.TrackType.VIDEO)) {
            assertTrue(inRoom(room).anyMatch(e -> e.getEvent().equals("track_published")
                    && e.getParticipant().getIdentity().equals("A") && e.getTrack().getType() == type),
                    "track_published for A's " + type + " in " + room);
        }
    }

    private static java.util.stream.Stream<LivekitWebhook.WebhookEvent> inRoom(String room) {
        return events.stream().filter(e -> e.getRoom().getName().equals(room));
    }

    /** A publishes H264 (simulcast); B decodes H264 with the offered fmtp. */
    @Test
    void browserH264Publisher() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/h264.test.mjs");
    }

    /**
     * Simulcast per subscriber: B asks for LOW and C for HIGH and they decode different frame sizes at the
     * same time; B then switches to HIGH on a key frame and keeps decoding.
     */
    @Test
    void browserSimulcastLayerPerSubscriber() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/simulcast.test.mjs");
    }

    /** Screen share video and audio reach B with their sources; the webhooks name the sources too. */
    @Test
    void browserScreenShare() throws Exception {
        String room = "screen-" + Long.toHexString(System.nanoTime());
        e2e.runner().env("E2E_ROOM", room).timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/screenshare.test.mjs");
        long end = System.currentTimeMillis() + 5_000;
        List<livekit.LivekitModels.TrackSource> sources = List.of();
        while (sources.size() < 3 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
            sources = events.stream()
                    .filter(e -> e.getEvent().equals("track_published") && e.getRoom().getName().equals(room))
                    .map(e -> e.getTrack().getSource()).sorted().toList();
        }
        assertEquals(List.of(livekit.LivekitModels.TrackSource.MICROPHONE,
                livekit.LivekitModels.TrackSource.SCREEN_SHARE,
                livekit.LivekitModels.TrackSource.SCREEN_SHARE_AUDIO), sources, "track_published sources");
        assertEquals(List.of(), rejected);
    }

    /**
     * livekit-client's resume: A's signalling WebSocket closes twice (simulateScenario signal-reconnect), A
     * keeps its sid and tracks, B keeps hearing A, A's subscriber PC is ICE-restarted by the server on each
     * resume, and A gets C's track published during the outage; then a resume after RR_SUBSCRIBER_FAILED
     * ICE-restarts A's subscriber PC again. A's only participant_left is its
     * final leave (a SIGNAL_CLOSE departure would have been webhooked first: one room's webhooks are
     * delivered in order), and its microphone was unpublished only then.
     */
    @Test
    void browserSignalResume() throws Exception {
        String room = "resume-" + Long.toHexString(System.nanoTime());
        e2e.runner().env("E2E_ROOM", room).timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/resume.test.mjs");
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end && inRoom(room).noneMatch(
                e -> e.getEvent().equals("participant_left") && e.getParticipant().getIdentity().equals("A"))) {
            Thread.sleep(100);
        }
        List<LivekitWebhook.WebhookEvent> leftA = inRoom(room).filter(e -> e.getEvent().equals("participant_left")
                && e.getParticipant().getIdentity().equals("A")).toList();
        assertEquals(1, leftA.size(), "participant_left for A: " + leftA);
        assertEquals(livekit.LivekitModels.DisconnectReason.CLIENT_INITIATED,
                leftA.get(0).getParticipant().getDisconnectReason());
        // A's microphone was published once and unpublished once, when A left: the resumes did not end it
        // (nor, with track egress, its recording)
        for (String event : List.of("track_published", "track_unpublished")) {
            assertEquals(1, inRoom(room).filter(e -> e.getEvent().equals(event)
                    && e.getParticipant().getIdentity().equals("A")).count(), event + " for A");
        }
        assertEquals(List.of(), rejected);
    }

    /** autoSubscribe=false, UpdateSubscription and UpdateTrackSettings from livekit-client. */
    @Test
    void browserSelectiveSubscription() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/subscription.test.mjs");
    }

    /** AddTrackRequest disable_dtx / stereo reach the answer's opus fmtp. */
    @Test
    void browserOpusDtxAndStereo() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/opus-options.test.mjs");
    }

    @Test
    void twoTabsTalk() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/two-tabs.test.mjs");
    }

    /**
     * B plays A's audio and video for several seconds over packets carrying the extensions B negotiated
     * (its inbound-rtp header bytes say so), and B's subscriber PC sends transport-wide feedback (RTPFB
     * FMT 15) acknowledging them: Chromium found our transport-cc numbers, with the id its answer gave.
     */
    @Test
    void browserSubscriberSendsTransportFeedback() throws Exception {
        long acked = e2e.server.media().downlinkPacketsAcked();
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/downlink-bwe.test.mjs");
        long more = e2e.server.media().downlinkPacketsAcked() - acked;
        // 6 s and more of 50 audio packets a second plus the video
        assertTrue(more > 300, "forwarded packets acknowledged by B's transport-cc feedback: " + more);
    }

    @Test
    void onePublisherTwentySubscribers() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(5)).runAndAssertPass("tests/twenty.test.mjs");
    }
}
