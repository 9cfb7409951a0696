package org.jsfu.signaling;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import livekit.LivekitWebhook;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomListener;
import org.jsfu.core.room.Sids;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.signaling.proto.ProtoMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns room events into LiveKit WebhookEvents (livekit-protocol.md 7) and hands them to a sender
 * (the WebhookNotifier's {@code enqueue}). Runs on the room loop, so events of one room keep their order.
 */
public final class RoomWebhooks implements RoomListener {
    private static final Logger log = LoggerFactory.getLogger(RoomWebhooks.class);
    private final Consumer<LivekitWebhook.WebhookEvent> sender;
    private final LongSupplier clock;
    private final Function<Room, CompletableFuture<?>> finishGate;
    private final long finishWaitMs;
    /** Where a room_finished goes when its room's recording is left to the next start (see {@link KeptForNextStart}). */
    private final Consumer<LivekitWebhook.WebhookEvent> keeper;
    /** room_finished events waiting for their gate: each sends its event once, now or when the gate opens. */
    private final java.util.Set<Held> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A room_finished event held until its room's egress ended; sent once. */
    private final class Held {
        private final LivekitWebhook.WebhookEvent event;
        private final java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();

        Held(LivekitWebhook.WebhookEvent event) {
            this.event = event;
        }

        boolean send() {
            return handTo(sender);
        }

        /** Keeps it for the next start (its room's recording is left to recovery there). */
        boolean keep() {
            return handTo(keeper);
        }

        private boolean handTo(Consumer<LivekitWebhook.WebhookEvent> to) {
            if (!sent.compareAndSet(false, true)) {
                return false;
            }
            to.accept(event);
            waiting.remove(this);
            return true;
        }
    }

    /**
     * How a finish gate says that shutdown left the room's recording to the next start's recovery: its
     * room_finished goes to the keeper (the webhook outbox), so that at the next start it follows the recovered
     * egress_ended, as receivers list the recordings on room_finished.
     */
    public static final class KeptForNextStart extends RuntimeException {
        public KeptForNextStart() {
            super("recording left to the next start", null, false, false);
        }
    }

    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs) {
        this(sender, clockMs, r -> CompletableFuture.completedFuture(null), 0);
    }

    /**
     * @param finishGate   completes when room_finished may go out (the room's egress uploads ended)
     * @param finishWaitMs longest wait for the gate; room_finished is sent anyway after it
     */
    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs,
                        Function<Room, CompletableFuture<?>> finishGate, long finishWaitMs) {
        this(sender, clockMs, finishGate, finishWaitMs, sender);
    }

    /**
     * @param keeper where a room_finished goes when its gate fails with {@link KeptForNextStart}, or when it is
     *               still held at shutdown ({@link #flushHeldFinishes}): its room's recording is left to the next
     *               start's recovery (the webhook outbox keeps it for then)
     */
    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs,
                        Function<Room, CompletableFuture<?>> finishGate, long finishWaitMs,
                        Consumer<LivekitWebhook.WebhookEvent> keeper) {
        this.sender = sender;
        this.clock = clockMs;
        this.finishGate = finishGate;
        this.finishWaitMs = finishWaitMs;
        this.keeper = keeper;
    }

    private LivekitWebhook.WebhookEvent.Builder event(String name, Room room) {
        return LivekitWebhook.WebhookEvent.newBuilder()
                .setEvent(name)
                .setId(Sids.random("EV_"))
                .setCreatedAt(clock.getAsLong() / 1000)
                .setRoom(ProtoMapper.room(room.info()));
    }

    /**
     * A held room_finished of an earlier room of this name goes out first (its egress is still uploading, which
     * may take minutes during an S3 outage): room events are ordered per room name, and a receiver given the new
     * room's room_started before the old room_finished would take the new room for finished.
     */
    @Override
    public void onRoomStarted(Room room) {
        for (Held h : waiting) {
            if (h.event.getRoom().getName().equals(room.name()) && h.send()) {
                log.warn("room_finished sent before its egress ended: a room of the same name started room={}",
                        room.name());
            }
        }
        sender.accept(event("room_started", room).build());
    }

    @Override
    public void onRoomFinished(Room room) {
        LivekitWebhook.WebhookEvent ev = event("room_finished", room).build();
        CompletableFuture<?> gate = finishGate.apply(room);
        if (gate.isDone() && !gate.isCompletedExceptionally()) {
            sender.accept(ev);
            return;
        }
        Held held = new Held(ev);
        waiting.add(held);
        gate.orTimeout(finishWaitMs, TimeUnit.MILLISECONDS).whenComplete((v, err) -> {
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            if (cause instanceof KeptForNextStart) {
                if (held.keep()) {
                    log.info("room_finished kept for the next start, after its recovered recording room={}", room.name());
                }
                return;
            }
            if (err != null) {
                log.warn("room_finished sent before its egress ended room={} error={}", room.name(), err.toString());
            }
            held.send();
        });
    }

    /**
     * For shutdown, before the sender closes: waits until every room_finished held for its room's egress has
     * been handed to the sender, at most until {@code deadlineNanos} (System.nanoTime()), then hands the ones
     * still held (their egress did not end in time, so its recording is left to the next start) to the keeper.
     * Returns how many were handed over that way.
     */
    public int flushHeldFinishes(long deadlineNanos) {
        while (!waiting.isEmpty() && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int early = 0;
        for (Held h : List.copyOf(waiting)) {
            if (h.keep()) {
                early++;
            }
        }
        if (early > 0) {
            log.warn("room_finished at shutdown before its egress ended, kept for the next start when it can be count={}",
                    early);
        }
        return early;
    }

    @Override
    public void onParticipantJoined(Room room, Participant p) {
        sender.accept(event("participant_joined", room).setParticipant(ProtoMapper.participant(p.info())).build());
    }

    @Override
    public void onParticipantLeft(Room room, Participant p, boolean wasActive) {
        String name = wasActive ? "participant_left" : "participant_connection_aborted";
        sender.accept(event(name, room).setParticipant(ProtoMapper.participant(p.info())).build());
    }

    @Override
    public void onTrackPublished(Room room, Participant p, TrackInfo track) {
        sender.accept(event("track_published", room).setParticipant(ProtoMapper.participant(p.info()))
                .setTrack(ProtoMapper.track(track)).build());
    }

    @Override
    public void onTrackUnpublished(Room room, Participant p, TrackInfo track) {
        sender.accept(event("track_unpublished", room).setParticipant(ProtoMapper.participant(p.info()))
                .setTrack(ProtoMapper.track(track)).build());
    }
}
