package org.jsfu.core.room;

/** A refused room operation; {@link Code} maps onto Twirp codes / HTTP statuses in signaling. */
public final class RoomException extends RuntimeException {
    public enum Code { NOT_FOUND, ALREADY_EXISTS, LIMIT_EXCEEDED, PERMISSION_DENIED, INVALID, CLOSED }

    private final Code code;

    public RoomException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() { return code; }
}
