package org.jsfu.core.media;

/**
 * Which simulcast layer one subscriber gets (sans-IO: the caller passes each packet's layer, whether it
 * starts a key frame, and which layers are flowing).
 *
 * <p>The target is the layer the subscriber asked for. The desired layer is the highest flowing layer
 * at or below the target, else the lowest flowing one above it (the publisher does not send what was
 * asked). The current layer is the one forwarded; it changes only on a key frame: to the desired layer,
 * or, when the current layer has stopped (or nothing was forwarded yet), to a lower flowing layer whose
 * key frame comes first, or on the way between current and desired. Until then the current layer keeps
 * flowing, and {@link #keyframeLayer} names the layer a key frame is wanted on. No allocation.
 */
final class LayerSelector {
    static final int DROP = 0;
    static final int FORWARD = 1;
    /** Forward, and this packet starts the new layer (the rewriter and munger start a segment). */
    static final int SWITCH = 2;

    private final int maxLayers;
    private int target;
    private int current = -1;
    private int desired = -1;

    LayerSelector(int maxLayers) {
        this.maxLayers = maxLayers;
        this.target = maxLayers - 1;
    }

    /** The layer the subscriber wants (clamped to the known range). */
    void setTarget(int layer) {
        target = Math.max(0, Math.min(layer, maxLayers - 1));
    }

    int target() {
        return target;
    }

    /** The layer forwarded now, or -1 before the first key frame (or after {@link #reset}). */
    int current() {
        return current;
    }

    /** The layer chosen at the last packet, or -1 when nothing flows. */
    int desired() {
        return desired;
    }

    /** Forwarding starts again on a key frame (after a pause). */
    void reset() {
        current = -1;
    }

    /**
     * One packet of {@code layer}; {@code flowing} has bit i set for each layer the publisher is sending
     * ({@link LayerActivity}). A packet of a layer outside it (stopped, still trickling) never makes that
     * layer desired, so a layer that comes and goes does not pull the subscriber up with each packet;
     * when nothing flows the current layer is kept (as LiveKit does when the feed may be dry: a pause of
     * the whole stream is no reason to move), or, with none, the packet's own layer is taken.
     * Returns {@link #DROP}, {@link #FORWARD} or {@link #SWITCH}.
     */
    int onPacket(int layer, boolean keyframe, int flowing) {
        if (flowing == 0) {
            flowing = 1 << (current >= 0 ? current : layer); // nothing counts as sent: stay, or take what comes
        }
        desired = pick(target, flowing);
        if (layer == current) {
            return FORWARD;
        }
        if (!keyframe) {
            return DROP;
        }
        boolean currentFlows = current >= 0 && (flowing & (1 << current)) != 0;
        boolean closer = currentFlows
                ? current < desired ? layer > current && layer < desired : layer < current && layer > desired
                : layer < desired;
        if (layer == desired || closer) {
            current = layer;
            return SWITCH;
        }
        return DROP;
    }

    /** The layer a key frame is wanted on (a switch is pending or nothing forwarded yet), or -1. */
    int keyframeLayer() {
        return desired != current ? desired : -1;
    }

    /** Whether forwarding waits for a key frame (nothing forwarded yet, or a switch pending). */
    boolean waiting() {
        return current < 0 || desired != current;
    }

    /** The highest flowing layer at or below {@code target}, else the lowest flowing above it, else -1. */
    static int pick(int target, int flowing) {
        for (int i = target; i >= 0; i--) {
            if ((flowing & (1 << i)) != 0) {
                return i;
            }
        }
        for (int i = target + 1; i < 32; i++) {
            if ((flowing & (1 << i)) != 0) {
                return i;
            }
        }
        return -1;
    }
}
