package org.jsfu.core.ice;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;

/**
 * The checking half of a full ICE agent (RFC 8445 6.1.4, 7.2, 8) for one peer connection with one
 * component, sans-IO: no sockets, no threads, time is a parameter. The responding half is
 * {@link IceAgent}; both share an {@link IceRole}.
 *
 * <p>A pair is (local base, remote address); {@code L} is the caller's token for a local base (a
 * UDP socket, an ICE-TCP connection), compared by {@code equals}. Pairs come from the peer's
 * candidates ({@link #addCandidate}) and from its checks ({@link #onRequest}: peer-reflexive remote
 * candidates, RFC 8445 7.3.1.3, and triggered checks, 7.3.1.4). {@link #poll} returns the next
 * datagram to send: retransmissions when due, and at most one new check per Ta: the nomination, a
 * triggered check, the highest-priority waiting pair, or a consent check. {@link #onResponse}
 * matches responses by transaction id.
 *
 * <p>Nomination (RFC 8445 8.1.1, regular): the controlling agent sends a second check with
 * USE-CANDIDATE on the highest-priority valid pair; its success selects the pair. The controlled
 * agent selects a pair the peer nominated once its own check on it succeeded (7.3.1.5). The peer
 * address in XOR-MAPPED-ADDRESS is not used: the server has host candidates only, so the
 * peer-reflexive local candidates it could reveal add nothing.
 *
 * <p>Consent freshness (RFC 7675): on the selected pair a check every 5 s (randomized 0.8-1.2),
 * and consent is lost 30 s after the last authenticated response on it.
 *
 * <p>Bounded: at most {@link #MAX_PAIRS} pairs and {@link #MAX_TRANSACTIONS} transactions.
 */
public final class IceChecklist<L> {
    /** RFC 8445 14.2: pacing of new checks. */
    public static final long TA_MS = 50;
    /** RFC 8445 14.3: RTO of a connectivity check, at least 500 ms; doubled per retransmission. */
    static final long RTO_MS = 500;
    static final long MAX_RTO_MS = 1600;
    /** Transmissions of one check before its pair fails (RFC 5389 7.2.1 Rc, reduced). */
    static final int MAX_TRANSMITS = 5;
    /** RFC 7675 5.1: a consent check every 5 s, randomized to 0.8-1.2 of it. */
    public static final long CONSENT_INTERVAL_MS = 5_000;
    /** RFC 7675 5.1: consent expires 30 s after the last response. */
    public static final long CONSENT_TIMEOUT_MS = 30_000;
    static final int MAX_PAIRS = 16;
    static final int MAX_TRANSACTIONS = 32;
    /** RFC 8445 5.1.2.2: type preference of peer-reflexive candidates (the PRIORITY we send, 7.1.1). */
    static final int TYPE_PREF_PRFLX = 110;

    public enum State { WAITING, IN_PROGRESS, SUCCEEDED, FAILED }

    private static final class Pair<L> {
        final L local;
        final InetSocketAddress remote;
        final long localPriority;
        long remotePriority;
        State state = State.WAITING;
        boolean nominated;
        boolean nominateOnSuccess;
        long lastResponseMs = Long.MIN_VALUE;

        Pair(L local, InetSocketAddress remote, long localPriority, long remotePriority) {
            this.local = local;
            this.remote = remote;
            this.localPriority = localPriority;
            this.remotePriority = remotePriority;
        }
    }

    private static final class Tx<L> {
        final byte[] id = new byte[12];
        final Pair<L> pair;
        final boolean controlling;
        final boolean useCandidate;
        final boolean consent;
        int transmits;
        long nextMs;
        /** RFC 8445 7.3.1.4: no more retransmissions and no failure on timeout; a response still counts. */
        boolean cancelled;

        Tx(Pair<L> pair, boolean controlling, boolean useCandidate, boolean consent) {
            this.pair = pair;
            this.controlling = controlling;
            this.useCandidate = useCandidate;
            this.consent = consent;
        }
    }

    private IceCredentials local;
    private final IceRole role;
    private final Random random;
    private String remoteUfrag;
    private Mac remoteMac;
    private final List<Pair<L>> pairs = new ArrayList<>();
    private final ArrayDeque<Pair<L>> triggered = new ArrayDeque<>();
    private final List<Tx<L>> txs = new ArrayList<>();
    private Pair<L> selected;
    private Pair<L> nominating;
    private int selectionChanges;
    private long nextCheckMs = Long.MIN_VALUE;
    private long nextConsentMs;
    /** How late a consent check may leave after it is due (the owner polls for it on a tick of that period). */
    private long consentSlackMs;
    /** When the current pair was selected: consent's 30 s run from here at the earliest. */
    private long selectedAtMs;
    private L outLocal;
    private InetSocketAddress outRemote;
    private final byte[] outId = new byte[12];

    /** @param random source of transaction ids and consent jitter: a SecureRandom in production */
    public IceChecklist(IceCredentials local, IceRole role, Random random) {
        if (local == null || role == null || random == null || role.isLite()) {
            throw new IllegalArgumentException("local credentials, a full-agent role and a random source required");
        }
        this.local = local;
        this.role = role;
        this.random = random;
    }

    /** Our new ufrag/pwd after an ICE restart (RFC 8445 9): the USERNAME of every later check names it. */
    public void setLocalCredentials(IceCredentials fresh) {
        if (fresh == null) throw new IllegalArgumentException("credentials required");
        this.local = fresh;
    }

    /**
     * The peer's ufrag/pwd; nothing is sent before them. A new ufrag is an ICE restart (RFC 8445 9):
     * checks start over, the selected pair stays in use until another is selected.
     */
    public void setRemoteCredentials(String ufrag, String pwd) {
        if (ufrag == null || ufrag.isEmpty() || pwd == null || pwd.isEmpty()) return;
        if (remoteUfrag != null && !remoteUfrag.equals(ufrag)) {
            txs.clear();
            triggered.clear();
            nominating = null;
            pairs.removeIf(p -> p != selected);
            if (selected != null) {
                selected.state = State.WAITING;
                triggered.add(selected);
            }
        }
        remoteUfrag = ufrag;
        remoteMac = StunMessage.hmacSha1(StunMessage.shortTermKey(pwd));
    }

    /** A remote candidate from SDP or trickle paired with local base {@code base}; false if full or known. */
    public boolean addCandidate(L base, InetSocketAddress remote, long localPriority, long remotePriority) {
        if (base == null || remote == null || remote.isUnresolved()) return false;
        if (find(base, remote) != null) return false;
        return add(base, remote, localPriority, remotePriority) != null;
    }

    /**
     * An authenticated check from {@code remote} arrived on {@code base} and was answered
     * ({@link IceAgent#handleStun} returned a success response). RFC 8445 7.3.1.3: an unknown
     * source is a peer-reflexive remote candidate with the check's PRIORITY; 7.3.1.4: a triggered
     * check is queued unless the pair already succeeded; 7.3.1.5: a nomination by a controlling
     * peer selects the pair now if it succeeded, else when our check does.
     */
    public void onRequest(L base, InetSocketAddress remote, long localPriority, long remotePriority,
                          boolean useCandidate, long nowMs) {
        if (base == null || remote == null || remote.isUnresolved()) return;
        Pair<L> p = find(base, remote);
        if (p == null) {
            p = add(base, remote, localPriority, remotePriority);
            if (p == null) return;
        }
        if (p.state != State.SUCCEEDED && !triggered.contains(p)) {
            if (p.state == State.IN_PROGRESS) {
                for (Tx<L> t : txs) {
                    if (t.pair == p && !t.consent) t.cancelled = true; // RFC 8445 7.3.1.4
                }
            }
            p.state = State.WAITING;
            triggered.add(p);
        }
        if (useCandidate && !role.isControlling()) {
            for (Pair<L> o : pairs) {
                o.nominateOnSuccess = false; // the latest nomination wins (Chrome renominates)
            }
            if (p.state == State.SUCCEEDED) {
                p.nominated = true;
                select(p, nowMs);
            } else {
                p.nominateOnSuccess = true;
            }
        }
    }

    /**
     * A STUN response received on {@code base} from {@code from}. Returns true if it answered one of
     * our transactions (then it was consumed), false to drop it (unknown id, bad integrity).
     */
    public boolean onResponse(StunMessage m, L base, InetSocketAddress from, long nowMs) {
        if (m == null || m.type() == StunMessage.BINDING_REQUEST || remoteMac == null) return false;
        Tx<L> tx = null;
        for (Tx<L> t : txs) {
            if (m.hasTransactionId(t.id)) {
                tx = t;
                break;
            }
        }
        if (tx == null) return false;
        // RFC 8445 7.2.5 / RFC 5389 10.1.3: responses are signed with the password we signed with.
        if (!m.hasIntegrity() || !m.checkIntegrity(remoteMac)) return false;
        txs.remove(tx);
        Pair<L> p = tx.pair;
        if (nominating == p && tx.useCandidate) nominating = null;
        // RFC 8445 7.2.5.2.1: the response must come from where the request went, to where it left.
        if (!from.equals(p.remote) || !base.equals(p.local)) {
            failIfIdle(p);
            return true;
        }
        if (m.type() == StunMessage.BINDING_ERROR) {
            if (m.errorCode() == IceAgent.ROLE_CONFLICT && !tx.consent) {
                role.onRoleConflictResponse(tx.controlling); // RFC 8445 7.2.5.1: switch, then retry
                if (p.state != State.SUCCEEDED) p.state = State.WAITING;
                if (!triggered.contains(p)) triggered.add(p);
            } else {
                failIfIdle(p);
            }
            return true;
        }
        if (m.type() != StunMessage.BINDING_SUCCESS) return true;
        p.state = State.SUCCEEDED; // RFC 8445 7.2.5.3: the pair is valid
        p.lastResponseMs = nowMs;
        if (tx.useCandidate && tx.controlling && role.isControlling()) {
            p.nominated = true; // RFC 8445 8.1.1: nominated once the USE-CANDIDATE check succeeded
            select(p, nowMs);
        } else if (!role.isControlling() && p.nominateOnSuccess) {
            p.nominated = true; // RFC 8445 7.3.1.5
            select(p, nowMs);
        }
        return true;
    }

    private void failIfIdle(Pair<L> p) {
        if (p.state == State.SUCCEEDED) return;
        for (Tx<L> t : txs) {
            if (t.pair == p) return;
        }
        p.state = State.FAILED;
    }

    private void select(Pair<L> p, long nowMs) {
        if (selected == p) return;
        selected = p;
        selectedAtMs = nowMs;
        selectionChanges++;
        // RFC 7675 5.1: consent on a newly selected pair is verified at once; the pair may have last answered
        // long ago (a renomination onto a pair validated at start-up)
        nextConsentMs = nowMs;
    }

    /**
     * The next datagram to send, written at {@code out[0]}: returns its length, or 0 when nothing is
     * due now. After a positive return {@link #polledLocal()}, {@link #polledRemote()} and
     * {@link #polledTransactionId()} describe it. Call until it returns 0.
     */
    public int poll(long nowMs, byte[] out) {
        for (int i = 0; i < txs.size(); i++) {
            Tx<L> t = txs.get(i);
            if (t.nextMs > nowMs) continue;
            if (t.cancelled) {
                txs.remove(i--); // waited one RTO for a late response
                if (nominating == t.pair && t.useCandidate) nominating = null;
                continue;
            }
            if (t.transmits >= (t.consent ? 1 : MAX_TRANSMITS)) {
                txs.remove(i--);
                if (nominating == t.pair && t.useCandidate) nominating = null;
                if (!t.consent) failIfIdle(t.pair); // RFC 8445 7.2.5.4: no response: the pair failed
                continue;
            }
            return transmit(t, nowMs, out); // RFC 5389 7.2.1 retransmission
        }
        if (remoteMac == null || nowMs < nextCheckMs || txs.size() >= MAX_TRANSACTIONS) return 0;
        Tx<L> t = nextCheck(nowMs);
        if (t == null) return 0;
        nextCheckMs = nowMs + TA_MS;
        random.nextBytes(t.id);
        if (t.pair.state != State.SUCCEEDED && !t.consent) t.pair.state = State.IN_PROGRESS;
        txs.add(t);
        return transmit(t, nowMs, out);
    }

    private Tx<L> nextCheck(long nowMs) {
        boolean controlling = role.isControlling();
        if (controlling && selected == null && nominating == null) {
            Pair<L> best = best(State.SUCCEEDED);
            if (best != null) {
                nominating = best;
                return new Tx<>(best, true, true, false);
            }
        }
        for (Pair<L> p; (p = triggered.poll()) != null; ) {
            if (p.state != State.SUCCEEDED && pairs.contains(p)) return new Tx<>(p, controlling, false, false);
        }
        Pair<L> waiting = best(State.WAITING);
        if (waiting != null) return new Tx<>(waiting, controlling, false, false);
        if (selected != null && nowMs >= nextConsentMs) {
            nextConsentMs = nowMs + consentInterval();
            return new Tx<>(selected, controlling, false, true);
        }
        return null;
    }

    private int transmit(Tx<L> t, long nowMs, byte[] out) {
        StunMessage req = new StunMessage(StunMessage.BINDING_REQUEST, t.id)
                .username(remoteUfrag + ":" + local.ufrag()) // RFC 8445 7.2.2
                .priority(prflxPriority(t.pair.localPriority)); // RFC 8445 7.2.2 / 7.1.1
        if (t.controlling) {
            req.iceControlling(role.tieBreaker()); // RFC 8445 7.1.3
        } else {
            req.iceControlled(role.tieBreaker());
        }
        if (t.useCandidate) req.useCandidate(true); // RFC 8445 7.1.2
        int n = req.encode(out, 0, remoteMac, true); // MESSAGE-INTEGRITY with the peer's pwd, FINGERPRINT
        if (n <= 0) return 0;
        t.transmits++;
        t.nextMs = nowMs + Math.min(RTO_MS << (t.transmits - 1), MAX_RTO_MS);
        outLocal = t.pair.local;
        outRemote = t.pair.remote;
        System.arraycopy(t.id, 0, outId, 0, 12);
        return n;
    }

    /** RFC 8445 7.1.1: the priority a peer-reflexive candidate with our base would get (type pref 110). */
    static long prflxPriority(long localPriority) {
        return ((long) TYPE_PREF_PRFLX << 24) | (localPriority & 0xFFFFFF);
    }

    /**
     * The owner polls for consent checks on a periodic tick of {@code slackMs} instead of a timer at
     * {@link #nextPollMs}: the drawn consent interval is shortened by that much, so a check that leaves up
     * to one tick late still keeps RFC 7675 5.1's spacing of 0.8-1.2 of 5 s (4-6 s).
     */
    public void setConsentSlackMs(long slackMs) {
        if (slackMs < 0 || slackMs > CONSENT_INTERVAL_MS * 2 / 5) {
            throw new IllegalArgumentException("consent slack must be 0-" + CONSENT_INTERVAL_MS * 2 / 5 + " ms: " + slackMs);
        }
        consentSlackMs = slackMs;
    }

    /**
     * As {@link #nextPollMs} without consent work (the next consent check and the expiry of an unanswered
     * one, which is never retransmitted): what needs a timer of its own when consent runs on a tick.
     */
    public long nextUrgentPollMs(long nowMs) {
        long next = Long.MAX_VALUE;
        for (int i = 0, n = txs.size(); i < n; i++) {
            Tx<L> t = txs.get(i);
            if (!t.consent) next = Math.min(next, t.nextMs);
        }
        if (remoteMac == null || txs.size() >= MAX_TRANSACTIONS) return next;
        if (hasCheckWork()) next = Math.min(next, Math.max(nowMs, nextCheckMs));
        return next;
    }

    private boolean hasCheckWork() {
        return !triggered.isEmpty() || best(State.WAITING) != null
                || role.isControlling() && selected == null && nominating == null && best(State.SUCCEEDED) != null;
    }

    /** Earliest time {@link #poll} has something to do, or Long.MAX_VALUE. */
    public long nextPollMs(long nowMs) {
        long next = Long.MAX_VALUE;
        for (Tx<L> t : txs) next = Math.min(next, t.nextMs);
        if (remoteMac == null || txs.size() >= MAX_TRANSACTIONS) return next; // poll starts nothing new when full
        if (hasCheckWork()) next = Math.min(next, Math.max(nowMs, nextCheckMs));
        if (selected != null) next = Math.min(next, Math.max(nextConsentMs, nextCheckMs));
        return next;
    }

    /** RFC 7675 5.1: 0.8-1.2 of 5 s, less the slack a tick-driven owner may add ({@link #setConsentSlackMs}). */
    private long consentInterval() {
        long min = CONSENT_INTERVAL_MS * 4 / 5;
        return min + (long) ((CONSENT_INTERVAL_MS * 2 / 5 - consentSlackMs) * random.nextDouble());
    }

    /** RFC 8445 6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling side's priority. */
    private long pairPriority(Pair<L> p) {
        long g = role.isControlling() ? p.localPriority : p.remotePriority;
        long d = role.isControlling() ? p.remotePriority : p.localPriority;
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }

    private Pair<L> best(State state) {
        Pair<L> best = null;
        for (Pair<L> p : pairs) {
            if (p.state == state && (best == null || Long.compareUnsigned(pairPriority(p), pairPriority(best)) > 0)) {
                best = p;
            }
        }
        return best;
    }

    private Pair<L> find(L base, InetSocketAddress remote) {
        for (Pair<L> p : pairs) {
            if (p.local.equals(base) && p.remote.equals(remote)) return p;
        }
        return null;
    }

    private Pair<L> add(L base, InetSocketAddress remote, long localPriority, long remotePriority) {
        if (pairs.size() >= MAX_PAIRS) {
            Pair<L> victim = null;
            for (Pair<L> p : pairs) {
                if (p.state == State.FAILED && p != selected) victim = p;
            }
            if (victim == null) return null;
            forget(victim);
        }
        Pair<L> p = new Pair<>(base, remote, localPriority, remotePriority & 0xFFFFFFFFL);
        pairs.add(p);
        return p;
    }

    private void forget(Pair<L> p) {
        pairs.remove(p);
        triggered.remove(p);
        txs.removeIf(t -> t.pair == p);
        if (nominating == p) nominating = null;
        if (selected == p) selected = null;
    }

    /** Forgets every pair on {@code base} (a closed ICE-TCP connection). */
    public void removeBase(L base) {
        for (Pair<L> p : new ArrayList<>(pairs)) {
            if (p.local.equals(base)) forget(p);
        }
    }

    public L polledLocal() { return outLocal; }
    public InetSocketAddress polledRemote() { return outRemote; }
    /** The transaction id of the datagram {@link #poll} returned last (a copy). */
    public byte[] polledTransactionId() { return Arrays.copyOf(outId, 12); }

    public L selectedLocal() { return selected == null ? null : selected.local; }
    public InetSocketAddress selectedRemote() { return selected == null ? null : selected.remote; }
    /** Incremented whenever the selected pair changes. */
    public int selectionChanges() { return selectionChanges; }

    /** True if a check of ours from {@code base} to {@code remote} succeeded (RFC 8445 7.2.5.3.2). */
    public boolean isValid(L base, InetSocketAddress remote) {
        Pair<L> p = find(base, remote);
        return p != null && p.state == State.SUCCEEDED;
    }

    /** The pair's state, or null if unknown; for tests and logs. */
    public State state(L base, InetSocketAddress remote) {
        Pair<L> p = find(base, remote);
        return p == null ? null : p.state;
    }

    public boolean isNominated(L base, InetSocketAddress remote) {
        Pair<L> p = find(base, remote);
        return p != null && p.nominated;
    }

    /**
     * RFC 7675: consent holds while the selected pair answered within 30 s (counted from its selection at the
     * earliest); false before selection.
     */
    public boolean consentAlive(long nowMs) {
        return selected != null && nowMs - Math.max(selected.lastResponseMs, selectedAtMs) <= CONSENT_TIMEOUT_MS;
    }

    /** When the selected pair last answered, or Long.MIN_VALUE. */
    public long selectedLastResponseMs() { return selected == null ? Long.MIN_VALUE : selected.lastResponseMs; }

    public int pairCount() { return pairs.size(); }
    public int transactionCount() { return txs.size(); }
    public IceRole role() { return role; }
}
