package org.jsfu.core.media;

/** The publisher end of an {@link UpTrack}: feedback sent upstream. On the room's loop. */
interface TrackPublisher {
    /** RFC 4585 6.3.1 Picture Loss Indication for {@code mediaSsrc}. */
    void sendPli(int mediaSsrc);

    /**
     * Our clock now (the {@link System#nanoTime} base), read once per fan-out just before its packets are
     * built: their send time for the transport-wide history and abs-send-time (they leave together, in the
     * loop's next flush). {@code fallback}, the time the publisher's packet was received, is returned by
     * implementations without a clock of their own (tests).
     */
    default long sendClockNanos(long fallback) {
        return fallback;
    }
}
