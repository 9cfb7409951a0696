package org.jsfu.core.rtp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Active speaker detection from RFC 6464 audio levels. Per packet, {@link Track#observe} counts the
 * level (no allocation). Each interval ({@link #update} with the time, e.g. every 400 ms) turns into a
 * level: when at least {@code minPercent}% of the packets were at or above the activity threshold
 * (-dBov at most {@code activeLevel}), the linear amplitude of their mean level, else 0; it is smoothed
 * exponentially; a track is active while the smoothed level is at least half the threshold's amplitude.
 * {@link #update} returns only the tracks whose active flag changed or whose level moved by at least
 * {@code levelStep}. Time is a parameter; one owner thread.
 */
public final class SpeakerDetector {
    /** A speaker state change; {@code level} is 0..1 (linear amplitude). */
    public record Speaker(Object key, float level, boolean active) {
    }

    /** One audio track's counters. */
    public static final class Track {
        private final Object key;
        private long sumActive;
        private int countActive;
        private int countTotal;
        private double smoothed;
        private boolean active;
        private float reported;
        private boolean removed;

        private final int threshold;

        private Track(Object key, int threshold) {
            this.key = key;
            this.threshold = threshold;
        }

        public Object key() {
            return key;
        }

        /** Counts one packet's level (-dBov, 0..127, as read by {@link AudioLevel#level}). */
        public void observe(int level) {
            countTotal++;
            if (level <= threshold) {
                sumActive += level;
                countActive++;
            }
        }

        public boolean active() {
            return active;
        }

        public double level() {
            return smoothed;
        }
    }

    private final int activeLevel;
    private final int minPercent;
    private final double smoothing;
    private final float levelStep;
    private final double floor;
    private final long intervalMs;
    private final List<Track> tracks = new ArrayList<>();
    private long lastUpdateMs;
    private boolean updated;

    /** LiveKit-like defaults: threshold 35 dBov, 40%, smoothing 0.5, report step 0.05, 400 ms interval. */
    public SpeakerDetector() {
        this(35, 40, 0.5, 0.05f, 400);
    }

    /** @param intervalMs {@link #update} closes an interval only when this much time has passed */
    public SpeakerDetector(int activeLevel, int minPercent, double smoothing, float levelStep, long intervalMs) {
        if (activeLevel < 0 || activeLevel > 127 || smoothing <= 0 || smoothing > 1 || intervalMs < 0) {
            throw new IllegalArgumentException("activeLevel 0..127, smoothing (0,1], intervalMs >= 0");
        }
        this.intervalMs = intervalMs;
        this.activeLevel = activeLevel;
        this.minPercent = minPercent;
        this.smoothing = smoothing;
        this.levelStep = levelStep;
        this.floor = AudioLevel.toLinear(activeLevel) / 2;
    }

    public Track addTrack(Object key) {
        Track t = new Track(key, activeLevel);
        tracks.add(t);
        return t;
    }

    /** Tracks observed, including removed ones until the next {@link #update}; for tests and metrics. */
    public int trackCount() {
        return tracks.size();
    }

    /** Removes a track; if it was active, the next {@link #update} reports it inactive. */
    public void removeTrack(Track t) {
        t.removed = true;
    }

    /**
     * Closes the interval ending at {@code nowMs} when at least {@code intervalMs} passed since the last
     * one (so it can be called from any periodic tick); returns the changes, possibly empty.
     */
    public List<Speaker> update(long nowMs) {
        if (updated && nowMs - lastUpdateMs < intervalMs) {
            return List.of();
        }
        updated = true;
        lastUpdateMs = nowMs;
        List<Speaker> changes = new ArrayList<>(0);
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i);
            if (t.removed) {
                if (t.active) {
                    changes.add(new Speaker(t.key, 0f, false));
                }
                tracks.remove(i--);
                continue;
            }
            double current = 0;
            if (t.countTotal > 0 && t.countActive * 100L >= (long) minPercent * t.countTotal) {
                current = AudioLevel.toLinear((int) Math.round((double) t.sumActive / t.countActive));
            }
            t.sumActive = 0;
            t.countActive = 0;
            t.countTotal = 0;
            t.smoothed += (current - t.smoothed) * smoothing;
            boolean nowActive = t.smoothed >= floor;
            if (!nowActive) {
                t.smoothed = current == 0 && t.smoothed < floor / 4 ? 0 : t.smoothed;
            }
            float level = nowActive ? (float) Math.min(1.0, t.smoothed) : 0f;
            if (nowActive != t.active || (nowActive && Math.abs(level - t.reported) >= levelStep)) {
                t.active = nowActive;
                t.reported = level;
                changes.add(new Speaker(t.key, level, nowActive));
            }
        }
        return changes;
    }

    /** Currently active speakers, loudest first. */
    public List<Speaker> activeSpeakers() {
        List<Speaker> out = new ArrayList<>();
        for (Track t : tracks) {
            if (t.active && !t.removed) {
                out.add(new Speaker(t.key, t.reported, true));
            }
        }
        out.sort(Comparator.comparingDouble((Speaker s) -> s.level()).reversed());
        return out;
    }
}
