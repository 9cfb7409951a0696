package org.jsfu.core.ice;

import java.security.SecureRandom;

/**
 * The ICE role of one agent (RFC 8445 6.1.1) and its tie-breaker, shared by the responder
 * ({@link IceAgent}) and the checker ({@link IceChecklist}) of one peer connection. Not thread safe:
 * owned by the peer connection's loop.
 *
 * <p>An ICE-lite agent is always controlled (RFC 8445 6.1.1) and never switches: a request carrying
 * ICE-CONTROLLED is answered with 487 so the full peer takes the controlling role. A full agent
 * resolves conflicts by comparing tie-breakers (RFC 8445 7.3.1.1 for requests, 7.2.5.1 for 487
 * responses).
 */
public final class IceRole {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean lite;
    private final long tieBreaker;
    private boolean controlling;
    private int switches;

    private IceRole(boolean lite, boolean controlling, long tieBreaker) {
        this.lite = lite;
        this.controlling = controlling;
        this.tieBreaker = tieBreaker;
    }

    /** ICE-lite: always controlled. */
    public static IceRole lite() {
        return new IceRole(true, false, 0);
    }

    /** A full agent; with two full agents the offerer starts controlling (RFC 8445 6.1.1). */
    public static IceRole full(boolean controlling) {
        return full(controlling, RANDOM.nextLong());
    }

    public static IceRole full(boolean controlling, long tieBreaker) {
        return new IceRole(false, controlling, tieBreaker);
    }

    public boolean isLite() { return lite; }
    public boolean isControlling() { return controlling; }
    public long tieBreaker() { return tieBreaker; }
    /** How many times the role changed after a conflict; for logs and tests. */
    public int switches() { return switches; }

    /**
     * RFC 8445 7.3.1.1: decides a conflict carried by an incoming authenticated request. Returns true
     * if the request must be answered with 487 (Role Conflict); may switch our role instead (then the
     * request is processed normally and false is returned).
     */
    public boolean rejectRequest(StunMessage req) {
        if (lite) {
            return req.hasIceControlled(); // both controlled: the full peer must take control
        }
        if (controlling && req.hasIceControlling()) {
            if (Long.compareUnsigned(tieBreaker, req.iceControlling()) >= 0) return true;
            switchTo(false);
        } else if (!controlling && req.hasIceControlled()) {
            if (Long.compareUnsigned(tieBreaker, req.iceControlled()) >= 0) {
                switchTo(true);
            } else {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 8445 7.2.5.1: our request sent as {@code sentControlling} got 487: take the other role,
     * unless a conflict was already resolved in the meantime.
     */
    public void onRoleConflictResponse(boolean sentControlling) {
        if (!lite && controlling == sentControlling) {
            switchTo(!sentControlling);
        }
    }

    /** RFC 8445 6.1.1: facing an ICE-lite peer, a full agent is controlling. */
    public void peerIsLite() {
        if (!lite && !controlling) {
            switchTo(true);
        }
    }

    private void switchTo(boolean c) {
        controlling = c;
        switches++;
    }
}
