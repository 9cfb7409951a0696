package org.jsfu.signaling;

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

    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs) {
        this(sender, clockMs, r -> CompletableFuture.completedFuture(null), 0);
    }

    /**
     * @param finishGate   completes when room_finished may go out (the room's egress uploads ended)
     * @param finishWaitMs longest wait for the gate; room_finished is sent anyway after it
     */
    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs,
                        Function<Room, CompletableFuture<?>> finishGate, long finishWaitMs) {
        this.sender = sender;
        this.clock = clockMs;
        this.finishGate = finishGate;
        this.finishWaitMs = finishWaitMs;
    }

    private LivekitWebhook.WebhookEvent.Builder event(String name, Room room) {
        return LivekitWebhook.WebhookEvent.newBuilder()
                .setEvent(name)
                .setId(Sids.random("EV_"))
                .setCreatedAt(clock.getAsLong() / 1000)
                .setRoom(ProtoMapper.room(room.info()));
    }

    @Override
    public void onRoomStarted(Room room) {
        sender.accept(event("room_started", room).build());
    }

    @Override
    public void onRoomFinished(Room room) {
        LivekitWebhook.WebhookEvent ev = event("room_finished", room).build();
        CompletableFuture<?> gate = finishGate.apply(room);
        if (gate.isDone()) {
            sender.accept(ev);
            return;
        }
        gate.orTimeout(finishWaitMs, TimeUnit.MILLISECONDS).whenComplete((v, err) -> {
            if (err != null) {
                log.warn("room_finished sent before its egress ended room={} error={}", room.name(), err.toString());
            }
            sender.accept(ev);
        });
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
