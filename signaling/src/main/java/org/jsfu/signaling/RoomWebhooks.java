package org.jsfu.signaling;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import livekit.LivekitWebhook;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomListener;
import org.jsfu.core.room.Sids;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.signaling.proto.ProtoMapper;

/**
 * Turns room events into LiveKit WebhookEvents (livekit-protocol.md 7) and hands them to a sender
 * (the WebhookNotifier's {@code enqueue}). Runs on the room loop, so events of one room keep their order.
 */
public final class RoomWebhooks implements RoomListener {
    private final Consumer<LivekitWebhook.WebhookEvent> sender;
    private final LongSupplier clock;

    public RoomWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs) {
        this.sender = sender;
        this.clock = clockMs;
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
        sender.accept(event("room_finished", room).build());
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
