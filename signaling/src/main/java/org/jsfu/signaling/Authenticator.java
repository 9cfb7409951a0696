package org.jsfu.signaling;

/**
 * Verifies access tokens and issues refresh tokens. Implemented over the token classes of
 * {@code org.jsfu.signaling.auth}; signaling depends only on this interface.
 */
public interface Authenticator {
    /** Verified grants; throws {@link AuthFailure} for any bad token. */
    Grants verify(String token, long nowMs) throws AuthFailure;

    /** A token with the same grants, valid at least 10 minutes or the original's remaining life. */
    String refresh(Grants grants, long nowMs);

    /** A refused token; the message is safe to send to the client (never contains the token). */
    final class AuthFailure extends Exception {
        public AuthFailure(String message) {
            super(message, null, false, false);
        }
    }
}
