package org.jsfu.core.srtp;

/**
 * A bounded set of per-SSRC states. Lookups are a last-hit check then a linear scan (the bound is
 * small); when full, the least recently used stream is evicted and its object reused.
 */
final class StreamTable {
    private final StreamState[] slots;
    private int size;
    private int lastHit = -1;
    private long clock;

    StreamTable(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        slots = new StreamState[capacity];
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

    /** Reads what {@link #find} reads for {@code ssrc}, changing nothing (cache warming). */
    int touch(int ssrc) {
        int h = lastHit;
        if (h >= 0 && slots[h].ssrc == ssrc) {
            return (int) slots[h].top;
        }
        for (int i = 0; i < size; i++) {
            if (slots[i].ssrc == ssrc) {
                return (int) slots[i].top;
            }
        }
        return size;
    }
}
