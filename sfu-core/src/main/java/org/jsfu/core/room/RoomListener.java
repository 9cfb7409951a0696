package org.jsfu.core.room;

/**
 * Room events for the media plane, egress and webhooks. Called on the room's loop, in order; must
 * not block.
 */
public interface RoomListener {
    default void onRoomStarted(Room room) {}

    default void onRoomFinished(Room room) {}

    /** The participant became ACTIVE. */
    default void onParticipantJoined(Room room, Participant participant) {}

    /** The participant left; {@code wasActive} tells whether it had become ACTIVE. */
    default void onParticipantLeft(Room room, Participant participant, boolean wasActive) {}

    default void onTrackPublished(Room room, Participant publisher, TrackInfo track) {}

    default void onTrackUnpublished(Room room, Participant publisher, TrackInfo track) {}

    default void onSubscriptionChanged(Room room, Participant subscriber, Participant publisher, TrackInfo track,
                                       boolean subscribed) {}
}
