package org.jsfu.core.media;

/** The publisher end of an {@link UpTrack}: feedback sent upstream. On the room's loop. */
interface TrackPublisher {
    /** RFC 4585 6.3.1 Picture Loss Indication for {@code mediaSsrc}. */
    void sendPli(int mediaSsrc);
}
