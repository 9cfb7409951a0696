package org.jsfu.core.media;

/**
 * Bits per second each layer of a published track carries, measured over windows of
 * {@link #WINDOW_NANOS} (RTP header and payload bytes as received). Time is a parameter; no allocation.
 */
final class LayerBitrates {
    static final long WINDOW_NANOS = 1_000_000_000L;

    private final long[] bytes;
    private final long[] bps;
    private long windowStart = Long.MIN_VALUE;

    LayerBitrates(int layers) {
        bytes = new long[layers];
        bps = new long[layers];
    }

    void onPacket(int layer, int length, long nowNanos) {
        roll(nowNanos);
        bytes[layer] += length;
    }

    /** The rate of {@code layer} over the last complete window (0 before one completed, or when idle). */
    long bps(int layer, long nowNanos) {
        roll(nowNanos);
        return bps[layer];
    }

    private void roll(long nowNanos) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = nowNanos;
            return;
        }
        long dt = nowNanos - windowStart;
        if (dt < WINDOW_NANOS) {
            return;
        }
        for (int i = 0; i < bytes.length; i++) {
            bps[i] = bytes[i] * 8_000_000_000L / dt;
            bytes[i] = 0;
        }
        windowStart = nowNanos;
    }
}
