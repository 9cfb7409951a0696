package org.jsfu.bench.client;

import org.jsfu.core.rtp.RtpPacket;

/**
 * What a subscriber measured on one received track. Written by the UDP thread only; read from
 * any thread (fields are volatile, single writer).
 */
public final class TrackStats {
    public final String trackSid;
    public final long ssrc;
    private volatile long packets;
    private volatile long bytes;
    private volatile long gaps;
    private volatile long late;
    private volatile long probes;
    private volatile long latencySumNanos;
    private volatile long latencyMaxNanos;
    private volatile long timedPackets;
    private volatile boolean removed;
    private long highestSeq = -1;
    private volatile int markRequested;
    private int markSeen;
    private volatile long windowMaxNanos;

    TrackStats(String trackSid, long ssrc) {
        this.trackSid = trackSid;
        this.ssrc = ssrc;
    }

    void onRtp(RtpPacket p, int wireLength, long nowNanos) {
        packets++;
        bytes += wireLength;
        int seq = p.sequence();
        if (highestSeq >= 0) {
            int d = (seq - (int) highestSeq) & 0xFFFF;
            if (d == 0 || d >= 0x8000) {
                late++;                              // duplicate or reordered
            } else {
                gaps += d - 1;
                highestSeq = seq;
            }
        } else {
            highestSeq = seq;
        }
        byte[] b = p.buffer();
        int o = p.payloadOffset();
        if (p.payloadLength() > AudioSource.PAYLOAD_FLAGS_OFFSET
                && AudioSource.get32(b, o + AudioSource.PAYLOAD_MAGIC_OFFSET) == AudioSource.MAGIC) {
            if ((b[o + AudioSource.PAYLOAD_FLAGS_OFFSET] & AudioSource.FLAG_PROBE) != 0) {
                probes++;
            }
            long lat = nowNanos - AudioSource.get64(b, o + AudioSource.PAYLOAD_TIME_OFFSET);
            if (lat >= 0 && lat < 60_000_000_000L) {
                latencySumNanos += lat;
                timedPackets++;
                if (lat > latencyMaxNanos) {
                    latencyMaxNanos = lat;
                }
                if (markSeen != markRequested) {
                    markSeen = markRequested;
                    windowMaxNanos = 0;
                }
                if (lat > windowMaxNanos) {
                    windowMaxNanos = lat;
                }
            }
        }
    }

    /** Starts a new window for {@link #windowMaxLatencyMs()} (takes effect at the next packet). */
    public void markWindow() {
        markRequested++;
    }

    /** Highest latency since the last {@link #markWindow()} (or since the start). */
    public double windowMaxLatencyMs() {
        return windowMaxNanos / 1e6;
    }

    /** Sum of the measured latencies (ns) and their count, for means over a window. */
    public long latencySumNanos() { return latencySumNanos; }
    public long timedPackets() { return timedPackets; }

    void markRemoved() {
        removed = true;
    }

    public long packets() { return packets; }
    public long bytes() { return bytes; }
    /** Sequence numbers skipped (lost or still missing). */
    public long gaps() { return gaps; }
    /** Packets older than the highest sequence seen: duplicates or reordering. */
    public long late() { return late; }
    /** Packets flagged {@link AudioSource#FLAG_PROBE} (must stay 0 when probes are invalid). */
    public long probes() { return probes; }
    /** The server's subscriber offer made this track inactive. */
    public boolean removed() { return removed; }
    public double meanLatencyMs() { return timedPackets == 0 ? Double.NaN : latencySumNanos / 1e6 / timedPackets; }
    public double maxLatencyMs() { return latencyMaxNanos / 1e6; }

    @Override
    public String toString() {
        return String.format("track=%s packets=%d bytes=%d gaps=%d late=%d latMeanMs=%.2f latMaxMs=%.2f",
                trackSid, packets, bytes, gaps, late, meanLatencyMs(), maxLatencyMs());
    }
}
