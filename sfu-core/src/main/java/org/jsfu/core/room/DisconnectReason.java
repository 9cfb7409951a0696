package org.jsfu.core.room;

/** The subset of livekit.DisconnectReason the room uses; {@link #wire} is the protobuf number. */
public enum DisconnectReason {
    UNKNOWN_REASON(0), CLIENT_INITIATED(1), DUPLICATE_IDENTITY(2), SERVER_SHUTDOWN(3),
    PARTICIPANT_REMOVED(4), ROOM_DELETED(5), STATE_MISMATCH(6), JOIN_FAILURE(7), SIGNAL_CLOSE(9),
    ROOM_CLOSED(10), CONNECTION_TIMEOUT(14), MEDIA_FAILURE(15);

    public final int wire;

    DisconnectReason(int wire) { this.wire = wire; }
}
