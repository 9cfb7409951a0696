package org.jsfu.core.ice;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Server side ICE responder for one peer connection, sans-IO: it answers connectivity checks
 * (RFC 8445 7.3). A valid Binding request makes its source a validated address (used to gate
 * DTLS/SRTP); in the controlled role USE-CANDIDATE nominates it and the latest nomination wins
 * (Chrome renominates when it switches networks). A full agent also sends its own checks: that is
 * {@link IceChecklist}, fed by {@link #lastCheckPriority()} / {@link #lastCheckNominated()}.
 *
 * <p>Role conflict: decided by the shared {@link IceRole} (RFC 8445 7.3.1.1). In lite mode a request
 * carrying ICE-CONTROLLED is answered with 487 Role Conflict, which makes a conforming peer switch
 * to controlling and retry; a 487 answer creates no state.
 *
 * <p>Not thread safe: owned by the peer connection's media loop. Time is a parameter.
 */
public final class IceAgent {
    /** RFC 7675 5.1: consent expires 30 s after the last successful check. */
    public static final long DEFAULT_CONSENT_TIMEOUT_MS = 30_000;
    /** Bound on remembered pairs; the least recently checked non-selected one is evicted. */
    static final int MAX_VALID_PAIRS = 16;
    static final int ROLE_CONFLICT = 487;

    private IceCredentials local;
    private final IceRole role;
    private Mac localMac;
    private final long consentTimeoutMs;
    private String remoteUfrag;
    private String remotePwd;
    private final Map<InetSocketAddress, Long> lastReceived = new HashMap<>();
    private InetSocketAddress selected;
    private boolean lastNominated;
    private long lastPriority;
    private long lastCheckMs = Long.MIN_VALUE;

    public IceAgent(IceCredentials local, String remoteUfrag, String remotePwd) {
        this(local, remoteUfrag, remotePwd, DEFAULT_CONSENT_TIMEOUT_MS);
    }

    public IceAgent(IceCredentials local, String remoteUfrag, String remotePwd, long consentTimeoutMs) {
        this(local, IceRole.lite(), remoteUfrag, remotePwd, consentTimeoutMs);
    }

    /** @param role lite, or a full agent's role shared with its {@link IceChecklist} */
    public IceAgent(IceCredentials local, IceRole role, String remoteUfrag, String remotePwd, long consentTimeoutMs) {
        if (local == null || role == null) throw new IllegalArgumentException("local credentials and role required");
        if (consentTimeoutMs <= 0) throw new IllegalArgumentException("consentTimeoutMs must be > 0");
        this.local = local;
        this.role = role;
        this.localMac = StunMessage.hmacSha1(StunMessage.shortTermKey(local.pwd()));
        this.consentTimeoutMs = consentTimeoutMs;
        this.remoteUfrag = emptyToNull(remoteUfrag);
        this.remotePwd = emptyToNull(remotePwd);
    }

    /**
     * New local credentials for an ICE restart (RFC 8445 9: an agent restarting ICE changes its ufrag and
     * pwd; RFC 8839 4.4: so does the answerer of a restart offer). Checks are accepted with the new ones
     * only; validated pairs and the selected address stay until the peer's new checks replace them.
     */
    public void setLocalCredentials(IceCredentials fresh) {
        if (fresh == null) throw new IllegalArgumentException("credentials required");
        this.local = fresh;
        this.localMac = StunMessage.hmacSha1(StunMessage.shortTermKey(fresh.pwd()));
    }

    /**
     * Sets the remote ufrag/pwd (from the offer or a trickled ICE restart). A different ufrag than a
     * previously known one is an ICE restart (RFC 8445 9): validated pairs are forgotten, but the
     * selected address stays usable until a new nomination replaces it.
     */
    public void setRemoteCredentials(String ufrag, String pwd) {
        String u = emptyToNull(ufrag);
        if (remoteUfrag != null && u != null && !remoteUfrag.equals(u)) {
            lastReceived.keySet().removeIf(a -> !a.equals(selected));
        }
        this.remoteUfrag = u;
        this.remotePwd = emptyToNull(pwd);
    }

    /**
     * Handles one STUN message received from {@code from}. Returns the length of the response
     * written at {@code out[0]} (to send back to {@code from}), or -1 to drop. Anything that is not
     * an authenticated Binding request for us returns -1 and changes nothing. {@code out} may be
     * the same array as {@code in} (the request is copied before the response is written).
     */
    public int handleStun(byte[] in, int off, int len, InetSocketAddress from, long nowMs, byte[] out) {
        lastNominated = false;
        lastPriority = 0;
        if (from == null || from.isUnresolved() || out == null) return -1;
        StunMessage req = StunMessage.parse(in, off, len); // FINGERPRINT, if present, checked here
        if (req == null || !req.isBindingRequest()) return -1;
        if (!usernameMatches(req.username())) return -1;
        // RFC 8445 7.3 / RFC 5389 10.1.2: short-term credentials, the key is our password.
        if (!req.hasIntegrity() || !req.checkIntegrity(localMac)) return -1;

        if (role.rejectRequest(req)) { // RFC 8445 7.3.1.1
            StunMessage err = new StunMessage(StunMessage.BINDING_ERROR, req.transactionId())
                    .error(ROLE_CONFLICT, "Role Conflict");
            return err.encode(out, 0, localMac, true);
        }
        // RFC 5389 7.3.1 / RFC 8445 7.3.1.3: success response with XOR-MAPPED-ADDRESS = source.
        StunMessage resp = new StunMessage(StunMessage.BINDING_SUCCESS, req.transactionId())
                .xorMappedAddress(from);
        int n = resp.encode(out, 0, localMac, true);
        if (n < 0) return -1;

        remember(from, nowMs);
        lastPriority = req.hasPriority() ? req.priority() : 0;
        if (req.useCandidate() && !role.isControlling()) {
            // RFC 8445 7.3.1.5: nominated; latest nomination wins. A full controlled agent selects the
            // pair only once its own check on it succeeded (IceChecklist); this address is kept here
            // so consent and expiry follow the peer's choice in lite mode.
            selected = from;
            lastNominated = true;
        }
        return n;
    }

    /** PRIORITY of the check the last {@link #handleStun} call accepted, or 0 (RFC 8445 7.3.1.3). */
    public long lastCheckPriority() {
        return lastPriority;
    }

    public IceRole role() {
        return role;
    }

    /** Whether the last {@link #handleStun} call accepted a check carrying USE-CANDIDATE (controlled role). */
    public boolean lastCheckNominated() {
        return lastNominated;
    }

    private void remember(InetSocketAddress from, long nowMs) {
        if (!lastReceived.containsKey(from) && lastReceived.size() >= MAX_VALID_PAIRS) {
            InetSocketAddress oldest = null;
            long oldestMs = Long.MAX_VALUE;
            for (Map.Entry<InetSocketAddress, Long> e : lastReceived.entrySet()) {
                if (!e.getKey().equals(selected) && e.getValue() < oldestMs) {
                    oldest = e.getKey();
                    oldestMs = e.getValue();
                }
            }
            lastReceived.remove(oldest);
        }
        lastReceived.put(from, nowMs);
        lastCheckMs = nowMs;
    }

    private boolean usernameMatches(String username) {
        if (username == null) return false;
        String prefix = local.ufrag();
        if (!username.startsWith(prefix) || username.length() <= prefix.length() + 1
                || username.charAt(prefix.length()) != ':') {
            return false;
        }
        // RFC 8445 7.3.1.1: USERNAME = <our ufrag>:<peer ufrag>. Before the remote ufrag is known
        // (a check that races the answer) any peer part is accepted; integrity still binds it to us.
        return remoteUfrag == null || (username.length() == prefix.length() + 1 + remoteUfrag.length()
                && username.endsWith(remoteUfrag));
    }

    /** Drops validated pairs (other than the selected one) that were not checked for the consent timeout. */
    public void expire(long nowMs) {
        expire(nowMs, null);
    }

    /** As {@link #expire(long)}, also keeping {@code keep} (a full agent's selected pair). */
    public void expire(long nowMs, InetSocketAddress keep) {
        if (lastReceived.isEmpty() || lastReceived.size() == 1
                && (selected != null && lastReceived.containsKey(selected) || keep != null && lastReceived.containsKey(keep))) {
            return; // nothing but the kept pair (the usual state): no iterator per tick
        }
        Iterator<Map.Entry<InetSocketAddress, Long>> it = lastReceived.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<InetSocketAddress, Long> e = it.next();
            if (!e.getKey().equals(selected) && !e.getKey().equals(keep) && nowMs - e.getValue() > consentTimeoutMs) {
                it.remove();
            }
        }
    }

    /** True if {@code addr} passed a connectivity check: gate DTLS/SRTP from other sources. */
    public boolean isValid(InetSocketAddress addr) {
        return addr != null && lastReceived.containsKey(addr);
    }

    /** The nominated address media is sent to, or null before nomination. */
    public InetSocketAddress selectedAddress() {
        return selected;
    }

    /** Last time a valid check arrived from {@code addr}, or -1 if it is not validated. */
    public long lastReceivedMs(InetSocketAddress addr) {
        Long t = addr == null ? null : lastReceived.get(addr);
        return t == null ? -1 : t;
    }

    /** Last valid check from any address, or Long.MIN_VALUE if none yet. */
    public long lastCheckMs() {
        return lastCheckMs;
    }

    /**
     * Consent freshness (RFC 7675): alive while the selected pair was checked within the consent
     * timeout. False before nomination.
     */
    public boolean isAlive(long nowMs) {
        if (selected == null) return false;
        Long t = lastReceived.get(selected);
        return t != null && nowMs - t <= consentTimeoutMs;
    }

    public IceCredentials localCredentials() { return local; }
    public String remoteUfrag() { return remoteUfrag; }
    /** The peer's password: what {@link IceChecklist} signs our checks with. */
    public String remotePwd() { return remotePwd; }
    public long consentTimeoutMs() { return consentTimeoutMs; }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
