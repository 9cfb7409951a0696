package org.jsfu.core.srtp;

import java.util.Arrays;

/**
 * A set of per-SSRC states. Lookups are a last-hit check then a linear scan (the set is small). A bounded
 * table, when full, evicts the least recently used stream and reuses its object; a growing one doubles
 * instead (for a sender, whose SSRCs are its own and whose ROC must never restart).
 */
final class StreamTable {
    private StreamState[] slots;
    private final boolean grows;
    private int size;
    private int lastHit = -1;
    private long clock;

    /** @param grows true: never evict, double when full; false: hold at most {@code capacity} */
    StreamTable(int capacity, boolean grows) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        slots = new StreamState[capacity];
        this.grows = grows;
    }

    /** The state for ssrc, or null; never creates anything. */
    StreamState find(int ssrc) {
        int h = lastHit;
        if (h >= 0 && slots[h].ssrc == ssrc) {
            slots[h].lastUse = ++clock;
            return slots[h];
        }
        for (int i = 0; i < size; i++) {
            if (slots[i].ssrc == ssrc) {
                lastHit = i;
                slots[i].lastUse = ++clock;
                return slots[i];
            }
        }
        return null;
    }

    /** A fresh state for ssrc (which must not be present), evicting the least recently used when full. */
    StreamState claim(int ssrc) {
        int idx;
        if (size == slots.length && grows) {
            slots = Arrays.copyOf(slots, 2 * slots.length); // once per doubling, never per packet
        }
        if (size < slots.length) {
            idx = size++;
            slots[idx] = new StreamState(); // once per new SSRC, never per packet
        } else {
            idx = 0;
            for (int i = 1; i < size; i++) {
                if (slots[i].lastUse < slots[idx].lastUse) idx = i;
            }
        }
        StreamState s = slots[idx];
        s.reset(ssrc);
        s.lastUse = ++clock;
        lastHit = idx;
        return s;
    }

    int size() { return size; }
}
