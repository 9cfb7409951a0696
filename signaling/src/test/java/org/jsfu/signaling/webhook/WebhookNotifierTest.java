package org.jsfu.signaling.webhook;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {
    static final String KEY = "reflector_0123456789abcdef";
    static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final WebhookNotifier.Options FAST = new WebhookNotifier.Options(10_000, 4, Duration.ofMillis(20),
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ZERO);

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanup() throws Exception {
        for (AutoCloseable c : toClose) c.close();
    }

    private WebhookReceiverStub receiver(int port) throws Exception {
        WebhookReceiverStub r = new WebhookReceiverStub(port, KEY, SECRET);
        toClose.add(r);
        return r;
    }

    private WebhookNotifier notifier(List<String> urls, WebhookNotifier.Options o) {
        WebhookNotifier n = new WebhookNotifier(urls, KEY, SECRET, o, System::currentTimeMillis);
        toClose.add(() -> n.close(Duration.ZERO));
        return n;
    }

    static WebhookEvent participantJoined(String room, String identity, String id) {
        return WebhookEvent.newBuilder().setEvent("participant_joined").setId(id)
                .setRoom(Room.newBuilder().setName(room).setSid("RM_" + room))
                .setParticipant(ParticipantInfo.newBuilder().setIdentity(identity).setSid("PA_" + identity).setJoinedAt(1_700_000_000L))
                .build();
    }

    static void await(BooleanSupplier cond, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                Thread.getAllStackTraces().forEach((t, st) -> {
                    System.out.println("THREAD " + t.getName());
                    for (StackTraceElement e : st) System.out.println("   " + e);
                });
                fail("condition not met in " + ms + " ms");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void signedBodyVerifiesWithKotlinSdk() throws Exception {
        WebhookReceiverStub r = receiver(0);
        WebhookNotifier n = notifier(List.of(r.url()), FAST);
        WebhookEvent in = WebhookEvent.newBuilder().setEvent("room_finished")
                .setRoom(Room.newBuilder().setName("standup-20260401172036").setSid("RM_x")).build();
        n.enqueue(in);
        EgressInfo egress = EgressInfo.newBuilder().setEgressId("EG_1").setRoomName("standup").setStatus(EgressStatus.EGRESS_FAILED)
                .setError("boom").addFileResults(FileInfo.newBuilder().setFilename("livekit/standup/a-TR_1.ogg").setSize(1234)).build();
        n.enqueue(WebhookEvent.newBuilder().setEvent("egress_ended").setEgressInfo(egress).build());
        await(() -> r.accepted.size() == 2, 10_000);
        assertEquals(List.of(), r.rejected);
        WebhookReceiverStub.Received got = r.accepted.stream().filter(x -> x.event().getEvent().equals("room_finished")).findFirst().orElseThrow();
        assertEquals("application/webhook+json", got.contentType());
        assertEquals("LiveKit", got.userAgent());
        assertFalse(got.authorization().startsWith("Bearer"));
        assertTrue(got.event().getId().matches("EV_[0-9A-Za-z]{12}"), got.event().getId());
        long nowS = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(got.event().getCreatedAt() - nowS) <= 5);
        assertEquals(in.toBuilder().setId(got.event().getId()).setCreatedAt(got.event().getCreatedAt()).build(), got.event());
        // Go protojson shape: lowerCamelCase, int64 as strings, defaults omitted, no whitespace
        assertTrue(got.body().contains("\"createdAt\":\"" + got.event().getCreatedAt() + "\""), got.body());
        assertFalse(got.body().contains("numDropped"), got.body());
        assertFalse(got.body().contains(" "), got.body());
        WebhookReceiverStub.Received eg = r.accepted.stream().filter(x -> x.event().getEvent().equals("egress_ended")).findFirst().orElseThrow();
        assertTrue(eg.body().contains("\"egressInfo\":{\"egressId\":\"EG_1\""), eg.body());
        assertTrue(eg.body().contains("\"status\":\"EGRESS_FAILED\""), eg.body());
        assertTrue(eg.body().contains("\"size\":\"1234\""), eg.body());
        assertEquals(egress, eg.event().getEgressInfo());
    }

    @Test
    void tamperedBodyOrWrongSecretIsRejectedBySdk() throws Exception {
        byte[] body = WebhookSigner.body(participantJoined("r", "a", "EV_1"));
        String auth = WebhookSigner.authorization(KEY, SECRET, body, System.currentTimeMillis());
        io.livekit.server.WebhookReceiver sdk = new io.livekit.server.WebhookReceiver(KEY, SECRET);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("EV_1", sdk.receive(text, auth).getId());
        assertThrows(Exception.class, () -> sdk.receive(text.replace("\"a\"", "\"b\""), auth));
        assertThrows(Exception.class, () -> new io.livekit.server.WebhookReceiver(KEY, SECRET + "x").receive(text, auth));
    }

    @Test
    void orderedPerKeyUnderRandomDelaysAndFailures() throws Exception {
        WebhookReceiverStub r = receiver(0);
        r.statusFor = k -> k % 7 == 3 ? 503 : 200; // sprinkle retries
        WebhookNotifier n = notifier(List.of(r.url()), FAST);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = "EV_" + i;
            sent.add(id);
            n.enqueue(participantJoined("room" + (i % 3), "p" + i, id));
        }
        await(() -> r.accepted.size() == 60, 15000);
        Map<String, List<Integer>> perRoom = r.accepted.stream().collect(Collectors.groupingBy(x -> x.event().getRoom().getName(),
                Collectors.mapping(x -> Integer.parseInt(x.event().getId().substring(3)), Collectors.toList())));
        for (List<Integer> seq : perRoom.values()) {
            List<Integer> sorted = new ArrayList<>(seq);
            sorted.sort(null);
            assertEquals(sorted, seq, "per-room order");
        }
        assertEquals(60, r.ids().stream().distinct().count(), "each delivered once");
    }

    @Test
    void receiverDownThenUpGetsEverythingInOrder() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebhookNotifier n = notifier(List.of("http://127.0.0.1:" + port + "/hook"), FAST);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) n.enqueue(participantJoined("room", "p" + i, "EV_" + i));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "enqueue does not block");
        Thread.sleep(1200); // several failed attempts with backoff (max 200 ms)
        assertEquals(20, n.pending());
        WebhookReceiverStub r = receiver(port);
        await(() -> r.accepted.size() == 20, 10000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) expected.add("EV_" + i);
        assertEquals(expected, r.ids());
        await(() -> n.pending() == 0, 2000);
    }

    @Test
    void serverErrorsAnd429AreRetried4xxIsNot() throws Exception {
        WebhookReceiverStub r = receiver(0);
        r.statusFor = k -> k == 0 ? 500 : k == 1 ? 429 : k == 2 ? 502 : k == 3 ? 200 : k == 4 ? 400 : 200;
        WebhookNotifier n = notifier(List.of(r.url()), FAST);
        n.enqueue(participantJoined("room", "a", "EV_a")); // 500, 429, 502, then 200
        await(() -> r.accepted.size() == 1, 10_000);
        n.enqueue(participantJoined("room", "b", "EV_b")); // 400: dropped, not retried
        await(() -> r.requests.get() == 5, 10_000);
        n.enqueue(participantJoined("room", "c", "EV_c")); // next one still flows
        await(() -> r.accepted.size() == 2, 10_000);
        Thread.sleep(300);
        assertEquals(List.of("EV_a", "EV_c"), r.ids());
        assertEquals(6, r.requests.get(), "the 400 was not retried");
    }

    @Test
    void slowOrDeadUrlDoesNotBlockAnother() throws Exception {
        WebhookReceiverStub slow = receiver(0);
        slow.delayMs = 30_000;
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        WebhookReceiverStub fast = receiver(0);
        WebhookNotifier n = notifier(List.of(slow.url(), "http://127.0.0.1:" + deadPort + "/hook", fast.url()), FAST);
        for (int i = 0; i < 10; i++) n.enqueue(participantJoined("room", "p" + i, "EV_" + i));
        await(() -> fast.accepted.size() == 10, 15_000); // generous: CI machines may be loaded
        assertTrue(slow.accepted.isEmpty());
    }

    @Test
    void fullQueueDropsAndReportsNumDropped() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebhookNotifier.Options small = new WebhookNotifier.Options(5, 4, Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ZERO);
        WebhookNotifier n = notifier(List.of("http://127.0.0.1:" + port + "/hook"), small);
        for (int i = 0; i < 8; i++) n.enqueue(participantJoined("room", "p" + i, "EV_" + i));
        assertEquals(5, n.pending());
        WebhookReceiverStub r = receiver(port);
        await(() -> r.accepted.size() == 5, 10_000);
        n.enqueue(participantJoined("room", "late", "EV_late"));
        await(() -> r.accepted.size() == 6, 10_000);
        assertEquals(List.of("EV_0", "EV_1", "EV_2", "EV_3", "EV_4", "EV_late"), r.ids());
        assertEquals(3, r.accepted.get(5).event().getNumDropped());
    }

    @Test
    void maxEventAgeGivesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebhookNotifier.Options aged = new WebhookNotifier.Options(100, 4, Duration.ofMillis(20), Duration.ofMillis(50),
                Duration.ofSeconds(5), Duration.ofMillis(300));
        WebhookNotifier n = notifier(List.of("http://127.0.0.1:" + port + "/hook"), aged);
        n.enqueue(participantJoined("room", "a", "EV_a"));
        await(() -> n.pending() == 0, 3000);
    }

    @Test
    void closeDrainsQueuedEvents() throws Exception {
        WebhookReceiverStub r = receiver(0);
        r.delayMs = 50;
        WebhookNotifier n = new WebhookNotifier(List.of(r.url()), KEY, SECRET, FAST, System::currentTimeMillis);
        for (int i = 0; i < 5; i++) n.enqueue(participantJoined("room", "p" + i, "EV_" + i));
        n.close(Duration.ofSeconds(5));
        assertEquals(5, r.accepted.size());
        n.enqueue(participantJoined("room", "after", "EV_after")); // ignored, no exception
        assertEquals(0, n.pending());
    }

    @Test
    void keyIsEgressIdThenRoomThenIdentity() {
        assertEquals("EG_1", WebhookNotifier.key(WebhookEvent.newBuilder().setRoom(Room.newBuilder().setName("r"))
                .setEgressInfo(EgressInfo.newBuilder().setEgressId("EG_1")).build()));
        assertEquals("r", WebhookNotifier.key(participantJoined("r", "a", "x")));
        assertEquals("a", WebhookNotifier.key(WebhookEvent.newBuilder().setParticipant(ParticipantInfo.newBuilder().setIdentity("a")).build()));
    }
}
