package org.jsfu.core.media;

/**
 * The publisher's clock of each simulcast layer, from its RTCP sender reports (RFC 3550 6.4.1: an SR's
 * NTP timestamp and RTP timestamp denote the same instant). Layers of one track are captured by the same
 * camera but start from unrelated random RTP timestamps (RFC 3550 5.1); two SRs tell how far apart the
 * layers' timelines are, so a subscriber switching layers can continue its timestamps by media time
 * rather than by when the packets happened to arrive (as LiveKit's forwarder does). Sans-IO, no allocation.
 */
final class LayerClocks {
    /** No mapping: a layer has not sent a sender report (yet). */
    static final long NONE = org.jsfu.core.rtp.RtpRewriter.UNKNOWN;

    private final long[] ntp;
    private final long[] rtp;
    private final boolean[] known;

    LayerClocks(int layers) {
        ntp = new long[layers];
        rtp = new long[layers];
        known = new boolean[layers];
    }

    /** A sender report of {@code layer}: 64-bit NTP timestamp and 32-bit RTP timestamp. */
    void onSenderReport(int layer, long ntpTimestamp, long rtpTimestamp) {
        ntp[layer] = ntpTimestamp;
        rtp[layer] = rtpTimestamp & 0xffffffffL;
        known[layer] = true;
    }

    /** The layer's SSRC changed: its old reports say nothing of the new stream. */
    void forget(int layer) {
        known[layer] = false;
    }

    /**
     * What to add (modulo 2^32) to an RTP timestamp of layer {@code to} to put it on layer {@code from}'s
     * timeline, or {@link #NONE} when either layer has no sender report.
     */
    long offset(int from, int to, int clockRate) {
        if (from < 0 || to < 0 || from >= known.length || to >= known.length || !known[from] || !known[to]) {
            return NONE;
        }
        return offset(ntp[from], rtp[from], ntp[to], rtp[to], clockRate);
    }

    /**
     * Pure: layer "to"'s RTP timestamp at the instant of "from"'s report is
     * {@code rtpTo + (ntpFrom - ntpTo) * clockRate}; the offset is {@code rtpFrom} minus that, modulo 2^32.
     */
    static long offset(long ntpFrom, long rtpFrom, long ntpTo, long rtpTo, int clockRate) {
        long d = ntpFrom - ntpTo; // 32.32 fixed point seconds, signed
        long ticks = (d >> 32) * clockRate + (((d & 0xffffffffL) * clockRate) >>> 32);
        return (rtpFrom - (rtpTo + ticks)) & 0xffffffffL;
    }
}
