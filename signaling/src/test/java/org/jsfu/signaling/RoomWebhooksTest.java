package org.jsfu.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** room_finished held for the room's egress, and the shutdown flush of the held ones. */
class RoomWebhooksTest {
    private final MediaLoops loops = new MediaLoops(1);
    private final RoomManager rooms = new RoomManager(loops, new RoomDefaults(true, 300, 20, 0),
            (room, p) -> null, System::currentTimeMillis);
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        loops.close();
    }

    private List<String> names() {
        return sent;
    }

    private void deleteRoom(String name) throws Exception {
        rooms.deleteRoom(name).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aHeldRoomFinishedGoesOutWhenItsGateOpensOnceOnly() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        RoomWebhooks hooks = new RoomWebhooks(ev -> sent.add(ev.getEvent() + ":" + ev.getRoom().getName()),
                System::currentTimeMillis, r -> gate, 60_000);
        rooms.addListener(hooks);
        rooms.createRoom("a", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        deleteRoom("a");
        assertEquals(List.of("room_started:a"), names(), "held until the egress ended");
        gate.complete(null);
        assertEquals(List.of("room_started:a", "room_finished:a"), names());
        assertEquals(0, hooks.flushHeldFinishes(System.nanoTime()), "nothing left to flush");
        assertEquals(List.of("room_started:a", "room_finished:a"), names());
    }

    @Test
    void shutdownWaitsForHeldRoomFinishedThenSendsWhatIsStillHeld() throws Exception {
        CompletableFuture<Void> soon = new CompletableFuture<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        RoomWebhooks hooks = new RoomWebhooks(ev -> sent.add(ev.getEvent() + ":" + ev.getRoom().getName()),
                System::currentTimeMillis, r -> r.name().equals("soon") ? soon : never, 60_000);
        rooms.addListener(hooks);
        rooms.createRoom("soon", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        rooms.createRoom("stuck", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        deleteRoom("soon");
        deleteRoom("stuck");
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> soon.complete(null));
        long t0 = System.nanoTime();
        int early = hooks.flushHeldFinishes(t0 + 500_000_000L);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, early, "only the stuck room's room_finished went out before its gate");
        assertEquals(true, ms >= 400, "waited for the deadline while one was held: " + ms + " ms");
        assertEquals(List.of("room_started:soon", "room_started:stuck", "room_finished:soon", "room_finished:stuck"),
                names());
        never.complete(null); // the gate opening later sends nothing more
        assertEquals(4, sent.size(), sent.toString());
    }

    /**
     * A room of the same name starts while the last one's room_finished is still held (its egress upload retries
     * during an S3 outage, up to 11 min): the old room_finished goes out first. Otherwise a receiver that keys
     * rooms by name (the webhooks' per-key order is by room name) would get room_started, then the old
     * room_finished, and take the new room for finished.
     */
    @Test
    void aRoomOfTheSameNameStartingSendsTheHeldRoomFinishedFirst() throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        RoomWebhooks hooks = new RoomWebhooks(ev -> sent.add(ev.getEvent() + ":" + ev.getRoom().getName()),
                System::currentTimeMillis, r -> never, 60_000);
        rooms.addListener(hooks);
        rooms.createRoom("a", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        rooms.createRoom("b", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        deleteRoom("a");
        deleteRoom("b");
        rooms.createRoom("a", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("room_started:a", "room_started:b", "room_finished:a", "room_started:a"), names(),
                "the old room_finished before the new room_started; b's stays held");
        assertEquals(1, hooks.flushHeldFinishes(System.nanoTime()), "only b's was still held");
    }
    /**
     * Shutdown left a room's recording to the next start's recovery: its gate fails with KeptForNextStart and
     * room_finished goes to the keeper (the webhook outbox), not to the receiver now; a room_finished still held
     * at the shutdown deadline goes there too. The receiver then gets it at the next start, after the recovered
     * egress_ended, instead of now, before the recording exists.
     */
    @Test
    void aRoomFinishedWhoseRecordingIsLeftToTheNextStartIsKeptNotSent() throws Exception {
        List<String> kept = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> left = new CompletableFuture<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        CompletableFuture<Void> alreadyLeft = CompletableFuture.failedFuture(new RoomWebhooks.KeptForNextStart());
        RoomWebhooks hooks = new RoomWebhooks(ev -> sent.add(ev.getEvent() + ":" + ev.getRoom().getName()),
                System::currentTimeMillis, r -> switch (r.name()) {
                    case "left" -> left;
                    case "early" -> alreadyLeft; // the egress was left to recovery before the room closed
                    default -> never;
                }, 60_000, ev -> kept.add(ev.getEvent() + ":" + ev.getRoom().getName()));
        rooms.addListener(hooks);
        for (String name : List.of("early", "left", "stuck")) {
            rooms.createRoom(name, RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
        }
        deleteRoom("early");
        assertEquals(List.of("room_finished:early"), kept, "a gate failed already at the room's end");
        deleteRoom("left");
        deleteRoom("stuck");
        left.completeExceptionally(new RoomWebhooks.KeptForNextStart());
        assertEquals(List.of("room_finished:early", "room_finished:left"), kept);
        assertEquals(1, hooks.flushHeldFinishes(System.nanoTime()), "stuck's was still held");
        assertEquals(List.of("room_finished:early", "room_finished:left", "room_finished:stuck"), kept);
        List<String> started = List.of("room_started:early", "room_started:left", "room_started:stuck");
        assertEquals(started, names(), "nothing sent now");
        never.complete(null); // the gate opening later hands over nothing more
        assertEquals(started, names());
        assertEquals(3, kept.size(), kept.toString());
    }
}
