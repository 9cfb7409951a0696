package org.jsfu.core.ice;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where STUN responses go, by transaction id: a response carries no USERNAME to demultiplex on
 * (RFC 5389 7.3.3 matches it by transaction id alone), so an agent that sends a check on a shared
 * socket records the id here and the receive thread takes the route back. Bounded (the oldest route
 * is dropped when full) and expiring; an unknown id yields null and creates nothing. Thread safe (a
 * loop writes, the receive thread reads); time is a parameter.
 */
public final class StunTransactionRoutes<T> {
    private record Key(long hi, int lo) { }

    private record Route<T>(T target, long expiresMs) { }

    private final int max;
    private final long ttlMs;
    private final LinkedHashMap<Key, Route<T>> routes = new LinkedHashMap<>();

    public StunTransactionRoutes(int max, long ttlMs) {
        if (max <= 0 || ttlMs <= 0) throw new IllegalArgumentException("max and ttl must be > 0");
        this.max = max;
        this.ttlMs = ttlMs;
    }

    /** Records that a response with transaction id {@code id} (12 bytes) belongs to {@code target}. */
    public synchronized void put(byte[] id, T target, long nowMs) {
        if (id == null || id.length != 12 || target == null) return;
        expire(nowMs);
        if (routes.size() >= max) {
            Iterator<Key> it = routes.keySet().iterator();
            it.next();
            it.remove();
        }
        routes.put(key(id, 0), new Route<>(target, nowMs + ttlMs));
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
        return r == null ? null : r.target;
    }

    /** Drops every route to {@code target} (its transport closed). */
    public synchronized void removeTarget(T target) {
        routes.values().removeIf(r -> r.target == target);
    }

    public synchronized int size() {
        return routes.size();
    }

    private void expire(long nowMs) {
        for (Iterator<Map.Entry<Key, Route<T>>> it = routes.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().expiresMs > nowMs) return; // insertion order = expiry order
            it.remove();
        }
    }

    private static Key key(byte[] b, int p) {
        return new Key(StunMessage.i64(b, p), StunMessage.i32(b, p + 8));
    }
}
