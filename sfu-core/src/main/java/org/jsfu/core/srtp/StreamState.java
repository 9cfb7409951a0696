package org.jsfu.core.srtp;

/**
 * Per-SSRC state: highest packet index seen and a 128-packet replay window (RFC 3711 section 3.3.2).
 * For SRTP the index is ROC * 2^16 + SEQ (section 3.3.1); for SRTCP it is the 31-bit SRTCP index.
 */
final class StreamState {
    static final int WINDOW = 128;

    int ssrc;
    long lastUse;
    /** Highest accepted index, -1 before the first packet. */
    long top = -1;
    /** Bit k of (w0, w1) set: index top - k was accepted (w0 holds k = 0..63, w1 k = 64..127). */
    private long w0;
    private long w1;

    void reset(int ssrc) {
        this.ssrc = ssrc;
        top = -1;
        w0 = 0;
        w1 = 0;
    }

    /**
     * RFC 3711 section 3.3.1 and appendix A: the index of a packet with sequence number seq, guessing
     * the ROC from the highest index seen. Returns -1 when the guess would be ROC - 1 while ROC is 0.
     */
    long estimateIndex(int seq) {
        if (top < 0) return seq;
        long roc = top >>> 16;
        int sl = (int) (top & 0xffff);
        long v;
        if (sl < 32768) {
            v = (seq - sl > 32768) ? roc - 1 : roc;
        } else {
            v = (sl - 32768 > seq) ? roc + 1 : roc;
        }
        if (v < 0) return -1;
        return (v << 16) | seq;
    }

    /** True when index is older than the window or was already accepted (section 3.3.2). */
    boolean isReplay(long index) {
        if (top < 0 || index > top) return false;
        long d = top - index;
        if (d >= WINDOW) return true;
        long bit = d < 64 ? (w0 >>> d) : (w1 >>> (d - 64));
        return (bit & 1) != 0;
    }

    /** Records an authenticated index; call only after isReplay(index) was false. */
    void accept(long index) {
        if (top < 0) {
            top = index;
            w0 = 1;
            w1 = 0;
            return;
        }
        if (index > top) {
            long d = index - top;
            if (d >= WINDOW) {
                w0 = 0;
                w1 = 0;
            } else if (d >= 64) {
                w1 = w0 << (d - 64);
                w0 = 0;
            } else {
                w1 = (w1 << d) | (w0 >>> (64 - d));
                w0 <<= d;
            }
            w0 |= 1;
            top = index;
        } else {
            long d = top - index;
            if (d < 64) w0 |= 1L << d;
            else if (d < WINDOW) w1 |= 1L << (d - 64);
        }
    }

    /** Sender side: moves the highest index forward (no replay bookkeeping). */
    void advance(long index) {
        if (index > top) top = index;
    }
}
