package org.jsfu.core.media;

/** The subscriber end of a {@link DownTrack}: where its packets go. On the room's loop. */
interface TrackSubscriber {
    /**
     * Encrypts in place (the buffer has room for the tag) and sends one RTP packet; {@code index} is its
     * SRTP packet index (RFC 3711 3.3.1), the DownTrack's extended output sequence number.
     */
    void sendRtp(byte[] b, int off, int len, long index);

    /**
     * Our clock now (the {@link System#nanoTime} base), read just before a packet is sent: the send time
     * the transport-wide history and abs-send-time record. {@code fallback} is the time the forwarded
     * packet was received; implementations without a clock of their own (tests) return it.
     */
    default long sendClockNanos(long fallback) {
        return fallback;
    }

    /**
     * Reads the state {@link #sendRtp} will use, this object at stage 0 and one level of references
     * deeper per later stage (see {@link DownTrack#touch}); returns a value to keep the reads.
     */
    default int touch(int stage) {
        return 0;
    }

    /** The track went away: drop the subscription and renegotiate. */
    void removeDownTrack(String trackSid);
}
