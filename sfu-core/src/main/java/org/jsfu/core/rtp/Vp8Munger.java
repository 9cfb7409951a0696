package org.jsfu.core.rtp;

/**
 * Per subscriber, per VP8 track: rewrites the payload descriptor's picture ID, TL0PICIDX and KEYIDX
 * (RFC 7741 4.2) so they stay continuous when the subscriber's stream moves to another simulcast layer,
 * whose counters are unrelated. The output is cut into segments, one per source run (a switch or a
 * resume starts one at its first output sequence); inside a segment each field is the source's plus a
 * fixed offset, chosen at the segment's first packet (a key frame) so the first value follows the last
 * one sent. The last {@value #SEGMENTS} segments are kept, so a retransmission of a packet sent before a
 * switch gets the values it had. Picture IDs keep the source's width (7 or 15 bits). One owner thread;
 * no allocation after construction.
 */
public final class Vp8Munger {
    static final int SEGMENTS = 8;

    private final Vp8Descriptor d = new Vp8Descriptor();
    private final long[] segStart = new long[SEGMENTS];
    private final int[] pidOffset = new int[SEGMENTS];
    private final int[] tl0Offset = new int[SEGMENTS];
    private final int[] keyIdxOffset = new int[SEGMENTS];
    private int segments;
    private int newest = -1;
    // the values of the newest packet sent (by output sequence), -1 when none had the field
    private long lastOut = Long.MIN_VALUE;
    private int lastPid = -1;
    private int lastTl0 = -1;
    private int lastKeyIdx = -1;

    /**
     * Rewrites the descriptor of the VP8 payload {@code b[off, off+len)} sent with extended output
     * sequence {@code outExt}. {@code startsSegment}: the first packet after a switch or resume (the
     * rewriter's resync). An empty payload (a padding-only packet) is left as it is. Returns false when the
     * payload is malformed or belongs to a segment older than those kept (the caller does not send it).
     */
    public boolean munge(byte[] b, int off, int len, long outExt, boolean startsSegment) {
        if (len == 0 && !startsSegment) {
            return true; // padding only (RFC 3550 5.1): no descriptor to rewrite, but its sequence number is sent
        }
        if (!d.parse(b, off, len)) {
            return false;
        }
        if (startsSegment) {
            newest = (newest + 1) % SEGMENTS;
            segments = Math.min(segments + 1, SEGMENTS);
            segStart[newest] = outExt;
            pidOffset[newest] = d.pictureId >= 0 && lastPid >= 0 ? lastPid + 1 - d.pictureId : 0;
            tl0Offset[newest] = d.tl0PicIdx >= 0 && lastTl0 >= 0 ? lastTl0 + 1 - d.tl0PicIdx : 0;
            keyIdxOffset[newest] = d.keyIdx >= 0 && lastKeyIdx >= 0 ? lastKeyIdx + 1 - d.keyIdx : 0;
        }
        int s = segmentOf(outExt);
        if (s < 0) {
            return false;
        }
        boolean newer = outExt > lastOut;
        if (d.pictureId >= 0) {
            int at = off + d.pictureIdAt;
            if (d.pictureId15Bit) {
                int v = (d.pictureId + pidOffset[s]) & 0x7fff;
                b[at] = (byte) (0x80 | (v >> 8));
                b[at + 1] = (byte) v;
                if (newer) {
                    lastPid = v;
                }
            } else {
                int v = (d.pictureId + pidOffset[s]) & 0x7f;
                b[at] = (byte) v;
                if (newer) {
                    lastPid = v;
                }
            }
        }
        if (d.tl0PicIdx >= 0) {
            int v = (d.tl0PicIdx + tl0Offset[s]) & 0xff;
            b[off + d.tl0PicIdxAt] = (byte) v;
            if (newer) {
                lastTl0 = v;
            }
        }
        if (d.keyIdx >= 0) {
            int at = off + d.tidKeyIdxAt;
            int v = (d.keyIdx + keyIdxOffset[s]) & 0x1f;
            b[at] = (byte) ((b[at] & 0xe0) | v);
            if (newer) {
                lastKeyIdx = v;
            }
        }
        if (newer) {
            lastOut = outExt;
        }
        return true;
    }

    /** The newest kept segment starting at or before {@code outExt}, or -1. */
    private int segmentOf(long outExt) {
        for (int k = 0, i = newest; k < segments; k++, i = (i + SEGMENTS - 1) % SEGMENTS) {
            if (segStart[i] <= outExt) {
                return i;
            }
        }
        return -1;
    }
}
