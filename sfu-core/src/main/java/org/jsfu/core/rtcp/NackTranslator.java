package org.jsfu.core.rtcp;

import org.jsfu.core.rtp.RtpRewriter;

/**
 * Maps a subscriber's NACK (sequence numbers in the rewritten, subscriber-facing space) back to the
 * publisher's extended sequence numbers through the subscriber track's {@link RtpRewriter}, so the
 * packets can be fetched from the publisher's ring and retransmitted. No allocation with caller arrays.
 */
public final class NackTranslator {
    private NackTranslator() {
    }

    /**
     * Translates {@code outSeqs[0..n)}; writes the known source extended sequence numbers into
     * {@code srcExtSeqs} and returns how many (unknown ones are skipped).
     */
    public static int toSource(int[] outSeqs, int n, RtpRewriter rewriter, long[] srcExtSeqs) {
        int k = 0;
        for (int i = 0; i < n && k < srcExtSeqs.length; i++) {
            long src = rewriter.sourceSeqFor(outSeqs[i]);
            if (src != RtpRewriter.UNKNOWN) {
                srcExtSeqs[k++] = src;
            }
        }
        return k;
    }

    /**
     * Parses a NACK packet from the subscriber ({@code scratch} receives its sequence numbers) and
     * translates it; returns the count written to {@code srcExtSeqs}, or -1 if it is not a NACK.
     */
    public static int toSource(byte[] b, int off, int len, RtpRewriter rewriter, int[] scratch, long[] srcExtSeqs) {
        int n = Nack.parse(b, off, len, scratch);
        if (n < 0) {
            return -1;
        }
        return toSource(scratch, n, rewriter, srcExtSeqs);
    }
}
