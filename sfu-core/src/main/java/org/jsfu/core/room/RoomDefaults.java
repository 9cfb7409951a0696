package org.jsfu.core.room;

/** Server-wide room settings (livekit.yaml {@code room:}); timeouts in seconds. */
public record RoomDefaults(boolean autoCreate, int emptyTimeout, int departureTimeout, int maxParticipants) {
    public static RoomDefaults livekit() {
        return new RoomDefaults(true, 300, 20, 0);
    }
}
