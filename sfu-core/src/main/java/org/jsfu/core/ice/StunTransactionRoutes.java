package org.jsfu.core.ice;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where STUN responses go, by transaction id: a response carries no USERNAME to demultiplex on
 * (RFC 5389 7.3.3 matches it by transaction id alone), so an agent that sends a check on a shared
 * socket records the id here and the receive thread takes the route back. Bounded twice: a target
 * holds at most {@code maxPerTarget} routes (its own oldest is dropped first, so one agent checking
 * endless candidates cannot evict the others' routes), and the whole table {@code max} (the oldest
 * route is dropped). Routes expire; an unknown id yields null and creates nothing. Thread safe (a
 * loop writes, the receive thread reads); time is a parameter.
 */
public final class StunTransactionRoutes<T> {
    private record Key(long hi, int lo) { }

    private record Route<T>(T target, long expiresMs) { }

    /**
     * Routes one full-ICE agent needs at most: one per open transaction of its checklist (a
     * retransmission reuses its id, RFC 5389 7.2.1), twice over for late responses.
     */
    public static final int ROUTES_PER_AGENT = 2 * IceChecklist.MAX_TRANSACTIONS;

    private final int max;
    private final int maxPerTarget;
    private final long ttlMs;
    private final LinkedHashMap<Key, Route<T>> routes = new LinkedHashMap<>();
    /** Routes per target (identity of the target objects as their equals defines it). */
    private final Map<T, Integer> perTarget = new HashMap<>();

    public StunTransactionRoutes(int max, long ttlMs) {
        this(max, ttlMs, max);
    }

    public StunTransactionRoutes(int max, long ttlMs, int maxPerTarget) {
        if (max <= 0 || ttlMs <= 0 || maxPerTarget <= 0) {
            throw new IllegalArgumentException("max, ttl and maxPerTarget must be > 0");
        }
        this.max = max;
        this.maxPerTarget = maxPerTarget;
        this.ttlMs = ttlMs;
    }

    /**
     * Records that a response with transaction id {@code id} (12 bytes) belongs to {@code target}. A
     * retransmission (the same id again) moves its route to the end with a fresh expiry, which keeps
     * the table in expiry order.
     */
    public synchronized void put(byte[] id, T target, long nowMs) {
        if (id == null || id.length != 12 || target == null) return;
        expire(nowMs);
        Key k = key(id, 0);
        removed(routes.remove(k));
        if (perTarget.getOrDefault(target, 0) >= maxPerTarget) {
            for (Iterator<Route<T>> it = routes.values().iterator(); it.hasNext(); ) {
                Route<T> r = it.next();
                if (r.target.equals(target)) { // its own oldest route
                    it.remove();
                    removed(r);
                    break;
                }
            }
        }
        if (routes.size() >= max) {
            Iterator<Route<T>> it = routes.values().iterator();
            removed(it.next());
            it.remove();
        }
        routes.put(k, new Route<>(target, nowMs + ttlMs));
        perTarget.merge(target, 1, Integer::sum);
    }

    /** Routes to {@code target}; for tests and metrics. */
    public synchronized int size(T target) {
        return perTarget.getOrDefault(target, 0);
    }

    private void removed(Route<T> r) {
        if (r != null) {
            perTarget.computeIfPresent(r.target, (t, n) -> n > 1 ? n - 1 : null);
        }
    }

    /**
     * The target of the STUN response in {@code b[off..off+len)} (a success or error response, RFC
     * 5389 6), removing the route; null for requests, indications, non-STUN and unknown ids.
     */
    public synchronized T take(byte[] b, int off, int len, long nowMs) {
        if (!StunMessage.isStun(b, off, len)) return null;
        int type = StunMessage.u16(b, off);
        if (type != StunMessage.BINDING_SUCCESS && type != StunMessage.BINDING_ERROR) return null;
        expire(nowMs);
        Route<T> r = routes.remove(key(b, off + 8));
        removed(r);
        return r == null ? null : r.target;
    }

    /** Drops every route to {@code target} (its transport closed). */
    public synchronized void removeTarget(T target) {
        routes.values().removeIf(r -> r.target.equals(target));
        perTarget.remove(target);
    }

    public synchronized int size() {
        return routes.size();
    }

    private void expire(long nowMs) {
        for (Iterator<Map.Entry<Key, Route<T>>> it = routes.entrySet().iterator(); it.hasNext(); ) {
            Route<T> r = it.next().getValue();
            if (r.expiresMs > nowMs) return; // insertion order = expiry order (a re-put moves to the end)
            it.remove();
            removed(r);
        }
    }

    private static Key key(byte[] b, int p) {
        return new Key(StunMessage.i64(b, p), StunMessage.i32(b, p + 8));
    }
}
