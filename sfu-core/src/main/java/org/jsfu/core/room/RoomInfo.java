package org.jsfu.core.room;

/** Snapshot of a room (livekit.Room). Timeouts in seconds. */
public record RoomInfo(String sid, String name, int emptyTimeout, int departureTimeout, int maxParticipants,
                       long creationTimeMs, String metadata, int numParticipants, int numPublishers,
                       boolean activeRecording, RoomEgress egress) {
}
