package org.jsfu.core.media;

/**
 * Receives a publisher track's packets on the room's loop, before any subscriber rewriting (egress).
 * Implementations copy what they keep: buffers are lent for the duration of the call.
 */
public interface RtpTap {
    /** One RTP payload with the publisher's unwrapped (64-bit) timestamp and sequence. */
    void onRtp(byte[] b, int payloadOff, int payloadLen, long extTimestamp, long extSeq, long nowNanos);

    void onMute(boolean muted, long nowNanos);

    /** The track ended (unpublished, participant left or room closed). */
    void onClose(long nowNanos);
}
