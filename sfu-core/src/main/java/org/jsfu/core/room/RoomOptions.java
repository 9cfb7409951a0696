package org.jsfu.core.room;

/**
 * How a room is created (CreateRoom, a token's roomConfig, or the server defaults). A null field means
 * "use the server default". Timeouts in seconds.
 */
public record RoomOptions(Integer emptyTimeout, Integer departureTimeout, Integer maxParticipants,
                          String metadata, RoomEgress egress) {
    public static RoomOptions defaults() {
        return new RoomOptions(null, null, null, null, null);
    }
}
