package org.jsfu.core.room;

/**
 * Server-wide room settings (livekit.yaml {@code room:}); timeouts in seconds. {@code publishCodecs}: the
 * codecs publishers may use (room.enabled_codecs restricted to the forwarded ones).
 */
public record RoomDefaults(boolean autoCreate, int emptyTimeout, int departureTimeout, int maxParticipants,
                           PublishCodecs publishCodecs) {
    public RoomDefaults {
        publishCodecs = publishCodecs == null ? PublishCodecs.defaults() : publishCodecs;
    }

    /** With LiveKit's default enabled codecs. */
    public RoomDefaults(boolean autoCreate, int emptyTimeout, int departureTimeout, int maxParticipants) {
        this(autoCreate, emptyTimeout, departureTimeout, maxParticipants, PublishCodecs.defaults());
    }

    public static RoomDefaults livekit() {
        return new RoomDefaults(true, 300, 20, 0);
    }
}
