package org.jsfu.core.media;

/** The subscriber end of a {@link DownTrack}: where its packets go. On the room's loop. */
interface TrackSubscriber {
    /** Encrypts in place (the buffer has room for the tag) and sends one RTP packet. */
    void sendRtp(byte[] b, int off, int len);

    /** The track went away: drop the subscription and renegotiate. */
    void removeDownTrack(String trackSid);
}
