package org.jsfu.signaling.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jsfu.signaling.webhook.WebhookNotifierTest.FAST;
import static org.jsfu.signaling.webhook.WebhookNotifierTest.KEY;
import static org.jsfu.signaling.webhook.WebhookNotifierTest.SECRET;
import static org.jsfu.signaling.webhook.WebhookNotifierTest.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events not delivered at close go to the outbox and are sent, signed anew, by the next notifier. */
class WebhookOutboxTest {
    @TempDir
    Path dir;
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
            new ch.qos.logback.core.read.ListAppender<>();
    private final ch.qos.logback.classic.Logger notifierLog =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WebhookNotifier.class);

    private WebhookOutbox outbox(WebhookOutbox.Limits limits) {
        return new WebhookOutbox(dir.resolve(".webhook-spool"), limits, System::currentTimeMillis);
    }

    private static WebhookEvent roomEvent(String name, String room, String id, long createdAt) {
        WebhookEvent.Builder b = WebhookEvent.newBuilder().setEvent(name).setId(id).setCreatedAt(createdAt)
                .setRoom(Room.newBuilder().setName(room).setSid("RM_" + room));
        if (name.startsWith("participant")) {
            b.setParticipant(ParticipantInfo.newBuilder().setIdentity("alice").setSid("PA_alice"));
        }
        return b.build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitEmptyOutbox() throws InterruptedException {
        await(() -> {
            try {
                return files().isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 5_000);
    }

    private List<Path> files() throws Exception {
        Path d = dir.resolve(".webhook-spool");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void undeliveredAtCloseAreKeptAndResentSignedAtTheNextStart() throws Exception {
        int port = freePort();
        // the receiver's URL carries a token in its query: it must not reach the disk
        String url = "http://127.0.0.1:" + port + "/hook?token=hunter2";
        long created = System.currentTimeMillis() / 1000 - 30;
        // short request timeout: the first notifier's last attempts end soon after close (its process would exit)
        WebhookNotifier.Options quick = new WebhookNotifier.Options(100, 4, Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofMillis(300), Duration.ZERO);
        WebhookNotifier first = new WebhookNotifier(List.of(url), KEY, SECRET, quick, System::currentTimeMillis,
                outbox(WebhookOutbox.Limits.DEFAULTS));
        first.enqueue(roomEvent("participant_left", "standup", "EV_left", created));
        first.enqueue(roomEvent("room_finished", "standup", "EV_finished", created + 1));
        first.enqueue(WebhookEvent.newBuilder().setEvent("egress_ended").setId("EV_egress").setCreatedAt(created)
                .setEgressInfo(EgressInfo.newBuilder().setEgressId("EG_1").setRoomName("standup")
                        .setStatus(EgressStatus.EGRESS_COMPLETE)).build());
        Thread.sleep(300); // a few refused attempts: some events are in backoff, the room's second one queued
        long t0 = System.nanoTime();
        first.close(Duration.ofMillis(800));
        assertTrue(System.nanoTime() - t0 < 1_500_000_000L, "close stays within its bound");
        List<Path> kept = files();
        assertFalse(kept.isEmpty(), "outbox written");
        for (Path f : kept) {
            String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertFalse(raw.contains(SECRET) || raw.contains("hunter2") || raw.contains("eyJ"),
                    "no secret, URL token or JWT in " + f);
            assertTrue(raw.contains("/hook"), "the URL (without its query) is readable in " + f);
        }

        // the first notifier stands for a process that has exited: let its last attempts (connect timeout 300 ms,
        // which the JDK client retries once) end before the receiver comes up
        Thread.sleep(1_500);
        // next start: the receiver is up
        WebhookReceiverStub r = new WebhookReceiverStub(port, KEY, SECRET);
        WebhookNotifier second = null;
        try {
            WebhookOutbox again = outbox(WebhookOutbox.Limits.DEFAULTS);
            List<String> loaded = again.load().stream().map(k -> k.event().getId()).toList();
            assertEquals(List.of("EV_egress", "EV_finished", "EV_left"), loaded.stream().sorted().toList());
            assertEquals(List.of("EV_left", "EV_finished"), loaded.stream().filter(i -> !i.equals("EV_egress")).toList(),
                    "write order kept per key");
            assertEquals(3, files().size(), "the load split the batch: one file per event: " + files());
            second = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, again);
            assertEquals(3, second.resend(again.load()));
            await(() -> r.accepted.size() == 3, 10_000);
            assertEquals(List.of(), r.rejected);
            assertEquals(List.of("EV_egress", "EV_finished", "EV_left"), r.ids().stream().sorted().toList());
            List<String> room = r.ids().stream().filter(i -> !i.equals("EV_egress")).toList();
            assertEquals(List.of("EV_left", "EV_finished"), room, "per-key order kept");
            for (WebhookReceiverStub.Received got : r.accepted) {
                long want = got.event().getId().equals("EV_finished") ? created + 1 : created;
                assertEquals(want, got.event().getCreatedAt(), "created_at kept");
                // sha256 claim of the fresh JWT = SHA-256 of the exact body sent (the SDK checked the signature)
                String payload = new String(Base64.getUrlDecoder().decode(got.authorization().split("\\.")[1]),
                        StandardCharsets.UTF_8);
                String sha = WebhookSigner.sha256Base64(got.body().getBytes(StandardCharsets.UTF_8));
                assertTrue(payload.contains("\"sha256\":\"" + sha + "\""), payload);
                assertTrue(payload.contains("\"iss\":\"" + KEY + "\""), payload);
            }
            awaitEmptyOutbox();
            second.close(Duration.ofSeconds(1));
            assertEquals(List.of(), files(), "nothing written when everything was delivered");
        } finally {
            if (second != null) {
                second.close(Duration.ZERO);
            }
            r.close();
        }
    }

    @Test
    void anInFlightEventWrittenAtCloseIsRemovedWhenItsAnswerStillComes() throws Exception {
        WebhookReceiverStub r = new WebhookReceiverStub(0, KEY, SECRET);
        try {
            r.delayMs = 700; // the answer comes after close wrote the event
            WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
            WebhookNotifier n = new WebhookNotifier(List.of(r.url()), KEY, SECRET, FAST, System::currentTimeMillis, o);
            n.enqueue(roomEvent("room_finished", "slow", "EV_slow", 0));
            await(() -> r.requests.get() == 1, 5_000);
            n.close(Duration.ofMillis(200));
            assertEquals(1, files().size(), "in flight without an answer at close: kept");
            await(() -> r.accepted.size() == 1, 5_000);
            awaitEmptyOutbox();
        } finally {
            r.close();
        }
    }

    @Test
    void aLongBacklogIsWrittenAsOneBatchAndSplitAtLoad() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, o);
        for (int i = 0; i < 1_000; i++) {
            n.enqueue(roomEvent("participant_left", "room" + (i % 50), "EV_" + i, 0));
        }
        long t0 = System.nanoTime();
        n.close(Duration.ZERO);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("outbox: 1000 events written at close in ms=" + ms);
        assertTrue(files().size() <= 1 + FAST.maxInFlightPerUrl(), "one batch file and the in-flight ones: " + files().size());
        long t1 = System.nanoTime();
        List<WebhookOutbox.Kept> kept = o.load();
        System.out.println("outbox: 1000 events split and loaded in ms=" + (System.nanoTime() - t1) / 1_000_000);
        assertEquals(1_000, kept.size());
        // per room, the order of enqueue
        for (int room = 0; room < 50; room++) {
            String name = "room" + room;
            List<Integer> order = kept.stream().filter(k -> k.event().getRoom().getName().equals(name))
                    .map(k -> Integer.parseInt(k.event().getId().substring(3))).toList();
            assertEquals(order.stream().sorted().toList(), order, name);
        }
    }

    @Test
    void withoutAnOutboxUndeliveredEventsAreDroppedAsBefore() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis);
        n.enqueue(roomEvent("room_finished", "r", "EV_1", 0));
        n.close(Duration.ofMillis(200));
        assertEquals(List.of(), files());
    }

    @Test
    void eventsEnqueuedAfterCloseAreKept() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, o);
        n.close(Duration.ZERO);
        n.enqueue(roomEvent("room_finished", "late", "EV_late", 0));
        List<WebhookOutbox.Kept> kept = o.load();
        assertEquals(1, kept.size());
        assertEquals("EV_late", kept.get(0).event().getId());
        assertTrue(kept.get(0).event().getCreatedAt() > 0, "created_at filled before writing");
    }

    @Test
    void unconfiguredUrlCorruptTooOldAndPartialFilesAreRemoved() throws Exception {
        long nowS = System.currentTimeMillis() / 1000;
        WebhookOutbox o = outbox(new WebhookOutbox.Limits(100, Duration.ofDays(7)));
        Path gone = o.write("http://127.0.0.1:1/old-receiver", roomEvent("room_finished", "a", "EV_gone", nowS));
        Path old = o.write("http://127.0.0.1:1/hook", roomEvent("room_finished", "b", "EV_old", nowS - 8 * 86_400));
        Path good = o.write("http://127.0.0.1:1/hook", roomEvent("room_finished", "c", "EV_good", nowS));
        assertNotNull(gone);
        Path corrupt = o.dir().resolve("0000000000000-000000-EV_bad.hook");
        byte[] bytes = Files.readAllBytes(good);
        bytes[bytes.length - 12] ^= 1; // a flipped bit in the event
        Files.write(corrupt, bytes);
        Path partial = o.dir().resolve("0000000000001-000000-EV_x.tmp");
        Files.write(partial, new byte[] {1, 2, 3});

        List<WebhookOutbox.Kept> kept = o.load();
        assertEquals(List.of("EV_gone", "EV_good"), kept.stream().map(k -> k.event().getId()).toList());
        assertFalse(Files.exists(corrupt) || Files.exists(old) || Files.exists(partial), "removed at load");

        WebhookNotifier n = new WebhookNotifier(List.of("http://127.0.0.1:1/hook"), KEY, SECRET, FAST,
                System::currentTimeMillis, o);
        try {
            assertEquals(1, n.resend(kept), "only the configured URL's event is queued");
            assertFalse(Files.exists(gone), "an event for a URL no longer configured is dropped");
            assertTrue(Files.exists(good), "kept until delivered");
        } finally {
            n.close(Duration.ZERO);
        }
    }

    @Test
    void aFullOutboxWritesNoMore() throws Exception {
        WebhookOutbox o = outbox(new WebhookOutbox.Limits(2, Duration.ofDays(7)));
        long nowS = System.currentTimeMillis() / 1000;
        assertNotNull(o.write("http://h/hook", roomEvent("room_finished", "a", "EV_1", nowS)));
        assertNotNull(o.write("http://h/hook", roomEvent("room_finished", "b", "EV_2", nowS)));
        assertNull(o.write("http://h/hook", roomEvent("room_finished", "c", "EV_3", nowS)));
        assertEquals(2, files().size());
    }

    private static WebhookEvent egressEvent(String name, String egressId, String id, EgressStatus status) {
        return WebhookEvent.newBuilder().setEvent(name).setId(id).setCreatedAt(System.currentTimeMillis() / 1000)
                .setEgressInfo(EgressInfo.newBuilder().setEgressId(egressId).setRoomName("r").setStatus(status)).build();
    }

    /**
     * An egress that ends while the notifier drains at shutdown (its upload finished late) enqueues egress_ended
     * during close's wait: it must not overtake the egress's earlier event still queued (receiver down), which
     * close writes at its end. At the next start the receiver must get ENDING, then COMPLETE.
     */
    @Test
    void anEventEnqueuedDuringTheCloseWaitKeepsItsKeyOrder() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, o);
        n.enqueue(egressEvent("egress_updated", "EG_1", "EV_ending", EgressStatus.EGRESS_ENDING));
        Thread.sleep(100); // refused attempts: it is queued, in backoff
        Thread closer = new Thread(() -> n.close(Duration.ofMillis(800)));
        closer.start();
        Thread.sleep(200); // close is waiting for the queue to drain
        n.enqueue(egressEvent("egress_ended", "EG_1", "EV_ended", EgressStatus.EGRESS_COMPLETE));
        closer.join();
        List<String> order = o.load().stream().map(k -> k.event().getId()).toList();
        assertEquals(List.of("EV_ending", "EV_ended"), order, "per-key order at the next start");
    }

    /** A receiver that is up gets an event enqueued during close's wait now, not at the next start. */
    @Test
    void anEventEnqueuedDuringTheCloseWaitIsDeliveredWhenTheReceiverIsUp() throws Exception {
        WebhookReceiverStub r = new WebhookReceiverStub(0, KEY, SECRET);
        try {
            r.delayMs = 300; // the first event is still in flight when close begins
            WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
            WebhookNotifier n = new WebhookNotifier(List.of(r.url()), KEY, SECRET, FAST, System::currentTimeMillis, o);
            n.enqueue(egressEvent("egress_updated", "EG_2", "EV_a", EgressStatus.EGRESS_ENDING));
            await(() -> r.requests.get() == 1, 5_000);
            Thread closer = new Thread(() -> n.close(Duration.ofSeconds(3)));
            closer.start();
            Thread.sleep(50);
            n.enqueue(egressEvent("egress_ended", "EG_2", "EV_b", EgressStatus.EGRESS_COMPLETE));
            closer.join();
            assertEquals(List.of("EV_a", "EV_b"), r.ids(), "both delivered during the drain, in order");
            assertEquals(List.of(), files(), "nothing left for the next start");
        } finally {
            r.close();
        }
    }

    /** A second close (a test's try-with-resources after an explicit close, say) writes nothing twice. */
    @Test
    void aSecondCloseWritesNoDuplicates() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, o);
        for (int i = 0; i < 5; i++) {
            n.enqueue(roomEvent("participant_left", "room" + i, "EV_" + i, 0));
        }
        n.close(Duration.ofMillis(100));
        n.close(Duration.ZERO);
        assertEquals(List.of("EV_0", "EV_1", "EV_2", "EV_3", "EV_4"),
                o.load().stream().map(k -> k.event().getId()).sorted().toList());
    }

    /**
     * SIGTERM while the start reads a long outbox (5,000 events in a batch: seconds to split here): close must
     * not wait for the read. What close writes meanwhile is not returned by that read, and the next start gets
     * it after the last run's events of its key, even with the last run's clock ahead of this one's.
     */
    @Test
    void aCloseDuringALongLoadIsNotHeldByIt() throws Exception {
        String url = "http://127.0.0.1:" + freePort() + "/hook";
        long ahead = System.currentTimeMillis() + 60_000;
        WebhookOutbox lastRun = new WebhookOutbox(dir.resolve(".webhook-spool"), WebhookOutbox.Limits.DEFAULTS, () -> ahead);
        List<WebhookOutbox.Item> items = new java.util.ArrayList<>();
        long nowS = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 5_000; i++) {
            items.add(new WebhookOutbox.Item(url, roomEvent("participant_left", "room" + (i % 50), "EV_" + i, nowS)));
        }
        assertNotNull(lastRun.writeBatch(items));
        WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
        WebhookNotifier n = new WebhookNotifier(List.of(url), KEY, SECRET, FAST, System::currentTimeMillis, o);
        n.enqueue(roomEvent("participant_joined", "room0", "EV_live", 0));
        long t0 = System.nanoTime();
        java.util.concurrent.CompletableFuture<List<WebhookOutbox.Kept>> loading =
                java.util.concurrent.CompletableFuture.supplyAsync(o::load);
        await(() -> {
            try {
                return files().size() > 200; // the split is under way
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 20_000);
        long t1 = System.nanoTime();
        n.close(Duration.ofMillis(200));
        long closeMs = (System.nanoTime() - t1) / 1_000_000;
        boolean loadRunningAfterClose = !loading.isDone();
        List<WebhookOutbox.Kept> kept = loading.get(60, java.util.concurrent.TimeUnit.SECONDS);
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("outbox: close during a 5000-event load took ms=" + closeMs + ", load ms=" + loadMs);
        assertTrue(loadRunningAfterClose && closeMs < 1_000,
                "close did not wait for the load: close ms=" + closeMs + " load ms=" + loadMs);
        assertEquals(5_000, kept.size(), "the load returns what the last run kept, not what was written meanwhile");

        List<String> room0 = outbox(WebhookOutbox.Limits.DEFAULTS).load().stream()
                .filter(k -> k.event().getRoom().getName().equals("room0")).map(k -> k.event().getId()).toList();
        assertEquals(101, room0.size(), room0.toString());
        assertEquals("EV_live", room0.get(100), "written during the load, sent after the last run's events of its key");
    }

    /**
     * At start the receiver is still down: a live event of a room (refused once, waiting to retry) must not go
     * before the last run's events of that room, which the start queues after reading the outbox.
     */
    @Test
    void keptEventsGoBeforeTheLiveEventsOfTheirKeyNotSentYet() throws Exception {
        WebhookReceiverStub r = new WebhookReceiverStub(0, KEY, SECRET);
        WebhookNotifier n = null;
        try {
            java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
            r.statusFor = i -> up.get() ? 200 : 503;
            long nowS = System.currentTimeMillis() / 1000;
            WebhookOutbox o = outbox(WebhookOutbox.Limits.DEFAULTS);
            o.write(r.url(), roomEvent("participant_left", "standup", "EV_kept1", nowS - 60));
            o.write(r.url(), roomEvent("room_finished", "standup", "EV_kept2", nowS - 59));
            // a long backoff: the live event is waiting (not in flight) when the kept ones are queued
            WebhookNotifier.Options slowRetry = new WebhookNotifier.Options(100, 4, Duration.ofMillis(1500),
                    Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ZERO);
            n = new WebhookNotifier(List.of(r.url()), KEY, SECRET, slowRetry, System::currentTimeMillis, o);
            notifierLog.addAppender(logs);
            logs.start();
            n.enqueue(roomEvent("room_started", "standup", "EV_live", nowS));
            // logged once its 503 is handled (no longer in flight): it waits to retry
            await(() -> {
                synchronized (logs) { // the appender appends under its own lock
                    return logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("will retry")
                            && e.getFormattedMessage().contains("id=EV_live"));
                }
            }, 5_000);
            assertEquals(2, n.resend(o.load()));
            up.set(true);
            await(() -> r.accepted.size() == 3, 10_000);
            assertEquals(List.of("EV_kept1", "EV_kept2", "EV_live"), r.ids());
        } finally {
            notifierLog.detachAppender(logs);
            if (n != null) {
                n.close(Duration.ZERO);
            }
            r.close();
        }
    }

    /** File names keep the write order when the wall clock steps back (NTP) between two writes. */
    @Test
    void aBatchThatCannotBeSplitIsKeptWholeForTheNextStart() throws Exception {
        long nowMs = System.currentTimeMillis();
        Path spool = dir.resolve(".webhook-spool");
        WebhookOutbox lastRun = new WebhookOutbox(spool, WebhookOutbox.Limits.DEFAULTS, () -> nowMs);
        long createdS = nowMs / 1000;
        List<WebhookOutbox.Item> items = List.of(
                new WebhookOutbox.Item("http://h/hook", roomEvent("participant_left", "a", "EV_a", createdS)),
                new WebhookOutbox.Item("http://h/hook", roomEvent("participant_left", "b", "EV_b", createdS)),
                new WebhookOutbox.Item("http://h/hook", roomEvent("room_finished", "a", "EV_c", createdS)));
        Path batch = lastRun.writeBatch(items);
        assertNotNull(batch);
        // the second event's file cannot be written (a directory where its temp file goes: as a full disk would)
        String base = batch.getFileName().toString().replace(".batch", "");
        Path obstacle = Files.createDirectory(spool.resolve(base + "-000001-EV_b.tmp"));
        Path inside = Files.write(obstacle.resolve("x"), new byte[1]); // not empty: the load's temp cleanup keeps it
        WebhookOutbox o = new WebhookOutbox(spool, WebhookOutbox.Limits.DEFAULTS, System::currentTimeMillis);
        assertEquals(List.of(), o.load(), "nothing from a batch that could not be split");
        assertTrue(Files.exists(batch), "the batch is kept");
        try (var left = Files.list(spool)) {
            assertEquals(Stream.of(batch, obstacle).map(f -> f.getFileName().toString()).sorted().toList(),
                    left.map(f -> f.getFileName().toString()).sorted().toList(), "the partial split is undone");
        }
        Files.delete(inside);
        Files.delete(obstacle); // the disk has room again: the next start gets every event, once
        WebhookOutbox next = new WebhookOutbox(spool, WebhookOutbox.Limits.DEFAULTS, System::currentTimeMillis);
        assertEquals(List.of("EV_a", "EV_b", "EV_c"), next.load().stream().map(k -> k.event().getId()).toList());
        assertTrue(Files.notExists(batch));
    }

    @Test
    void writeOrderSurvivesAClockSteppingBack() throws Exception {
        long nowMs = System.currentTimeMillis();
        long[] clock = {nowMs};
        WebhookOutbox o = new WebhookOutbox(dir.resolve(".webhook-spool"), WebhookOutbox.Limits.DEFAULTS, () -> clock[0]);
        long createdS = nowMs / 1000;
        assertNotNull(o.write("http://h/hook", roomEvent("participant_joined", "a", "EV_first", createdS)));
        clock[0] -= 5_000;
        assertNotNull(o.writeBatch(List.of(new WebhookOutbox.Item("http://h/hook",
                roomEvent("participant_left", "a", "EV_second", createdS)))));
        clock[0] -= 5_000;
        assertNotNull(o.write("http://h/hook", roomEvent("room_finished", "a", "EV_third", createdS)));
        assertEquals(List.of("EV_first", "EV_second", "EV_third"), o.load().stream().map(k -> k.event().getId()).toList());
    }
}
