package org.jsfu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitWebhook.WebhookEvent;
import org.jsfu.server.testparts.WebhookSink;
import org.jsfu.signaling.webhook.WebhookNotifier;
import org.jsfu.signaling.webhook.WebhookOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept webhooks at start: queued before the egress recovery starts; a kept room_finished waits for it (bounded). */
class KeptWebhooksTest {
    private static final WebhookNotifier.Options FAST = new WebhookNotifier.Options(100, 4, Duration.ofMillis(20),
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ZERO);

    @TempDir
    Path dir;

    private static WebhookEvent roomEvent(String name, String id) {
        WebhookEvent.Builder b = WebhookEvent.newBuilder().setEvent(name).setId(id)
                .setCreatedAt(System.currentTimeMillis() / 1000)
                .setRoom(LivekitModels.Room.newBuilder().setName("standup").setSid("RM_standup"));
        if (name.equals("participant_left")) {
            b.setParticipant(LivekitModels.ParticipantInfo.newBuilder().setIdentity("alice"));
        }
        return b.build();
    }

    private static void await(java.util.function.BooleanSupplier c, long ms) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (!c.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < until, "condition not met in " + ms + " ms");
            Thread.sleep(10);
        }
    }

    private List<String> names(WebhookSink sink) {
        return sink.events.stream().map(WebhookEvent::getEvent).toList();
    }

    private long outboxFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void keptRoomFinishedFollowsTheRecoveredEgressEnded() throws Exception {
        try (WebhookSink sink = WebhookSink.start(TestServer.KEY, TestServer.SECRET)) {
            WebhookOutbox outbox = new WebhookOutbox(dir, WebhookOutbox.Limits.DEFAULTS, System::currentTimeMillis);
            outbox.write(sink.url(), roomEvent("participant_left", "EV_left"));
            outbox.write(sink.url(), roomEvent("room_finished", "EV_finished"));
            WebhookNotifier n = new WebhookNotifier(List.of(sink.url()), TestServer.KEY, TestServer.SECRET, FAST,
                    System::currentTimeMillis, outbox);
            CompletableFuture<Void> recovery = new CompletableFuture<>();
            AtomicInteger pendingAtRecoveryStart = new AtomicInteger(-1);
            AtomicInteger deliveredAtRecoveryStart = new AtomicInteger(-1);
            try {
                KeptWebhooks.start(n, outbox, () -> {
                    pendingAtRecoveryStart.set(n.pending()); // waiting or in flight
                    deliveredAtRecoveryStart.set(sink.events.size());
                    return recovery;
                }, 10_000);
                await(() -> names(sink).contains("participant_left"), 5_000);
                // an event in flight is both pending and received, so each count is at most 1, and one is 1
                assertTrue(pendingAtRecoveryStart.get() + deliveredAtRecoveryStart.get() >= 1,
                        "participant_left queued before the recovery started");
                assertTrue(pendingAtRecoveryStart.get() <= 1 && deliveredAtRecoveryStart.get() <= 1,
                        "only participant_left: pending " + pendingAtRecoveryStart.get() + ", delivered "
                                + deliveredAtRecoveryStart.get());
                Thread.sleep(500);
                assertEquals(List.of("participant_left"), names(sink), "room_finished held while the recovery runs");

                // the recovery reports the room's recording, then ends
                n.enqueue(WebhookEvent.newBuilder().setEvent("egress_ended").setEgressInfo(LivekitEgress.EgressInfo
                        .newBuilder().setEgressId("EG_1").setRoomName("standup")
                        .setStatus(LivekitEgress.EgressStatus.EGRESS_COMPLETE)).build());
                recovery.complete(null);
                await(() -> names(sink).contains("room_finished"), 5_000);
                assertEquals(List.of("participant_left", "egress_ended", "room_finished"), names(sink));
                assertEquals("EV_finished", sink.events.get(2).getId(), "the kept event id");
                assertEquals(List.of(), sink.rejected);
                await(() -> {
                    try {
                        return outboxFiles() == 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, 5_000);
            } finally {
                n.close(Duration.ZERO);
            }
        }
    }

    @Test
    void keptRoomFinishedGoesOutAfterTheWaitWhenTheRecoveryDoesNotEnd() throws Exception {
        try (WebhookSink sink = WebhookSink.start(TestServer.KEY, TestServer.SECRET)) {
            WebhookOutbox outbox = new WebhookOutbox(dir, WebhookOutbox.Limits.DEFAULTS, System::currentTimeMillis);
            outbox.write(sink.url(), roomEvent("room_finished", "EV_finished"));
            WebhookNotifier n = new WebhookNotifier(List.of(sink.url()), TestServer.KEY, TestServer.SECRET, FAST,
                    System::currentTimeMillis, outbox);
            try {
                long t0 = System.nanoTime();
                KeptWebhooks.start(n, outbox, CompletableFuture::new, 400);
                await(() -> names(sink).contains("room_finished"), 5_000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 400, "held for the wait: " + ms + " ms");
            } finally {
                n.close(Duration.ZERO);
            }
        }
    }

    /** Queueing the kept webhooks throws (74dbb8e): the egress recovery starts all the same, the kept file stays. */
    @Test
    void theRecoveryStartsWhenQueueingTheKeptWebhooksThrows() throws Exception {
        WebhookOutbox outbox = new WebhookOutbox(dir, WebhookOutbox.Limits.DEFAULTS, System::currentTimeMillis);
        outbox.write("http://127.0.0.1:1/hook", roomEvent("participant_left", "EV_left"));
        AtomicInteger queued = new AtomicInteger();
        CompletableFuture<Void> recoveryStarted = new CompletableFuture<>();
        KeptWebhooks.start(outbox, (kept, recovered) -> {
            queued.set(kept.size());
            throw new IllegalStateException("queue broken");
        }, () -> {
            recoveryStarted.complete(null);
            return new CompletableFuture<>();
        });
        recoveryStarted.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, queued.get(), "the kept event was read and handed to the queue first");
        assertEquals(1, outboxFiles(), "the kept webhook stays on disk for the next start");
    }
}
