package org.jsfu.signaling.auth;

/**
 * A token was refused. {@link #getMessage()} is safe to send to the client (it never contains the
 * token or a secret); {@link #reason()} is for logs and metrics.
 */
public final class AuthException extends Exception {
    public enum Reason { MALFORMED, UNSUPPORTED_ALGORITHM, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, MISSING_EXPIRY }

    private final Reason reason;

    public AuthException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
