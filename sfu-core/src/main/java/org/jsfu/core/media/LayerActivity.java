package org.jsfu.core.media;

/**
 * Which simulcast layers of one track the publisher is sending (sans-IO: time is a parameter; no
 * allocation). Modelled on LiveKit's packet stream tracker: time is cut into cycles; a layer is active
 * from its first media packet; it stops when a closed cycle had fewer media packets than the layer needs
 * ({@link #samplesRequired}) or, sooner, when it has sent nothing for a whole cycle while another layer
 * sends (checked at every call, so a stopped top layer is noticed one cycle after its last packet, at the
 * next packet of another layer; a pause of every layer is no such stop, only the cycles judge it); once
 * stopped it is active again only after {@link #restoreCycles} good cycles in a row, so a layer that comes
 * and goes (bursty, or the publisher's encoder hesitating under congestion) does not move subscribers up
 * and down with it.
 *
 * <p>Video (LiveKit's defaults): 500 ms cycles; the lowest layer needs 1 packet per cycle and 4 good
 * cycles (2 s) to return, the others 5 packets and 20 cycles (10 s). Screen share: 2 s cycles, 1 packet,
 * 1 cycle (its frame rate drops to almost nothing on a still screen).
 */
final class LayerActivity {
    static final long VIDEO_CYCLE_NANOS = 500_000_000L;
    static final long SCREEN_CYCLE_NANOS = 2_000_000_000L;

    private final int layers;
    private final long[] cycleStart;
    private final long[] lastPacket;
    private final int[] count;
    private final int[] goodCycles;
    private final boolean[] seen;
    private final boolean[] active;
    private long cycleNanos = VIDEO_CYCLE_NANOS;
    private boolean screen;
    /** The newest media packet of any layer, and when the track started or resumed after a whole cycle without one. */
    private long lastAny;
    private long resumedAt;
    private boolean anySeen;

    LayerActivity(int layers) {
        this.layers = layers;
        cycleStart = new long[layers];
        lastPacket = new long[layers];
        count = new int[layers];
        goodCycles = new int[layers];
        seen = new boolean[layers];
        active = new boolean[layers];
    }

    /** Screen share: long cycles, one packet per cycle is enough (a still screen sends little). */
    void setScreenShare(boolean s) {
        screen = s;
        cycleNanos = s ? SCREEN_CYCLE_NANOS : VIDEO_CYCLE_NANOS;
    }

    int samplesRequired(int layer) {
        return screen || layer == 0 ? 1 : 5;
    }

    int restoreCycles(int layer) {
        return screen ? 1 : layer == 0 ? 4 : 20;
    }

    /** A media packet (not padding, not a retransmission) of {@code layer} at {@code nowNanos}. */
    void onPacket(int layer, long nowNanos) {
        if (!anySeen || nowNanos - lastAny >= cycleNanos) {
            resumedAt = nowNanos; // the track starts, or resumes after a pause: each layer's silence counts from now
        }
        anySeen = true;
        lastAny = nowNanos;
        if (!seen[layer]) {
            seen[layer] = true;
            active[layer] = true;
            cycleStart[layer] = nowNanos;
            count[layer] = 1;
            goodCycles[layer] = 0;
            lastPacket[layer] = nowNanos;
            return;
        }
        advance(layer, nowNanos);
        count[layer]++;
        lastPacket[layer] = nowNanos;
    }

    /** Bit i set for each active layer at {@code nowNanos}. */
    int mask(long nowNanos) {
        int m = 0;
        for (int i = 0; i < layers; i++) {
            if (seen[i]) {
                advance(i, nowNanos);
                if (active[i]) {
                    m |= 1 << i;
                }
            }
        }
        return m;
    }

    /** Every layer starts afresh: the next packet of each makes it active at once (after an unmute). */
    void reset() {
        java.util.Arrays.fill(seen, false);
        java.util.Arrays.fill(active, false);
    }

    /** Closes the cycles of {@code layer} that ended by {@code nowNanos}, and applies the silence rule. */
    private void advance(int i, long nowNanos) {
        long elapsed = nowNanos - cycleStart[i];
        if (elapsed >= cycleNanos) {
            close(i, count[i]);
            if (elapsed >= 2 * cycleNanos) { // whole cycles without a packet after that one
                close(i, 0);
            }
            count[i] = 0;
            cycleStart[i] = nowNanos - elapsed % cycleNanos;
        }
        // silent for a whole cycle while the track sends: stopped, whatever the cycle boundaries; a pause of
        // the whole track (the publisher's network or CPU) is left to the cycles, as LiveKit's ticker does
        if (active[i] && nowNanos - lastAny < cycleNanos
                && nowNanos - lastPacket[i] >= cycleNanos && nowNanos - resumedAt >= cycleNanos) {
            active[i] = false;
            goodCycles[i] = 0;
        }
    }

    private void close(int i, int packets) {
        if (packets >= samplesRequired(i)) {
            goodCycles[i] = Math.min(goodCycles[i] + 1, 1 << 20);
            if (!active[i] && goodCycles[i] >= restoreCycles(i)) {
                active[i] = true;
            }
        } else {
            goodCycles[i] = 0;
            active[i] = false;
        }
    }
}
