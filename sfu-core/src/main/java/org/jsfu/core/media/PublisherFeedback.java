package org.jsfu.core.media;

import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.ReceiverReport;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.Sdes;
import org.jsfu.core.rtcp.TwccRecorder;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;

/**
 * What the SFU, as the receiver, tells one publisher PC, on the room's loop: transport-wide congestion
 * control feedback (so the browser's send-side estimate can rise), NACKs for the gaps in each received
 * SSRC (RFC 4585 6.2.1) and, about once a second, a receiver report with a block per SSRC plus SDES
 * CNAME (RFC 3550 6.1, 6.4.2). {@link #tick} is called every {@link #TICK_MS}.
 */
final class PublisherFeedback {
    static final long TICK_MS = 50;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** NACK retry spacing when no round trip is known yet. */
    static final long DEFAULT_RTT_MS = 100;
    /** RFC 3550 6.4.2: an RR's report count is 5 bits; more sources take further RRs in the compound. */
    private static final int BLOCKS_PER_RR = 31;
    private static final int MAX_BLOCKS = MediaPlane.MAX_MAPPED_SSRCS;
    private static final int MAX_TWCC_PER_TICK = 4;

    private final int senderSsrc;
    private final byte[] cname;
    private final TwccRecorder twcc = new TwccRecorder();
    private final byte[] buf = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];
    private final ReportBlock[] blocks = new ReportBlock[MAX_BLOCKS];
    private final int[] nackSeqs = new int[DownTrack.MAX_NACK_SEQS];
    /** Header extension id of the transport-wide sequence number, or -1 when not negotiated. */
    private int twccExtId = -1;
    private long lastReportNanos = Long.MIN_VALUE;
    long twccSent;
    long nacksSent;
    long reportsSent;

    /** The SSRC our feedback to this publisher is sent from (RR, NACK, TWCC, PLI). */
    int senderSsrc() {
        return senderSsrc;
    }

    PublisherFeedback(int senderSsrc, byte[] cnameUtf8) {
        this.senderSsrc = senderSsrc;
        this.cname = cnameUtf8;
        for (int i = 0; i < MAX_BLOCKS; i++) {
            blocks[i] = new ReportBlock();
        }
    }

    void setTransportCcExtension(int id) {
        twccExtId = id;
    }

    /** Every packet from the publisher PC, before anything else (padding probes and RTX count too). */
    void onRtp(RtpPacket p, long nowNanos) {
        if (twccExtId <= 0) {
            return;
        }
        long ref = p.findExtension(twccExtId);
        if (ref >= 0 && RtpPacket.extLength(ref) >= 2) {
            byte[] b = p.buffer();
            int o = RtpPacket.extOffset(ref);
            twcc.onPacket(((b[o] & 0xff) << 8) | (b[o + 1] & 0xff), p.ssrc(), nowNanos);
        }
    }

    /**
     * Sends what is due: TWCC feedback for everything received since the last tick; NACKs for each
     * mapped SSRC ({@code tracks[i]} layer {@code layers[i]}); the receiver report once a second.
     */
    void tick(RtcpOut out, UpTrack[] tracks, int[] layers, int count, long nowNanos, long rttMs) {
        for (int k = 0; k < MAX_TWCC_PER_TICK && twcc.pending(); k++) {
            int len = twcc.writeFeedback(buf, 0, senderSsrc);
            if (len > 0) {
                out.sendRtcp(buf, 0, len);
                twccSent++;
            }
        }
        long nowMs = nowNanos / 1_000_000;
        long rtt = rttMs > 0 ? rttMs : DEFAULT_RTT_MS;
        for (int i = 0; i < count; i++) {
            int n = tracks[i].collectNacks(layers[i], nowMs, rtt, nackSeqs);
            if (n > 0) {
                int len = Nack.write(buf, 0, senderSsrc, tracks[i].layerSsrc(layers[i]), nackSeqs, n);
                out.sendRtcp(buf, 0, len);
                nacksSent++;
            }
        }
        if (lastReportNanos == Long.MIN_VALUE || nowNanos - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            int len = writeReport(buf, 0, tracks, layers, count, nowMs);
            if (len > 0) {
                lastReportNanos = nowNanos;
                out.sendRtcp(buf, 0, len);
                reportsSent++;
            }
        }
    }

    /**
     * A compound packet of RRs (a block per SSRC that has received something; 31 blocks per RR, the
     * rest in further RRs, RFC 3550 6.4.2) + SDES CNAME (RFC 3550 6.1: a compound packet starts with a
     * report and carries the CNAME); 0 when there is nothing to report. At {@link #MAX_BLOCKS} blocks
     * the compound is 2 x 8 + 32 x 24 bytes plus the CNAME, well inside one datagram.
     */
    int writeReport(byte[] b, int off, UpTrack[] tracks, int[] layers, int count, long nowMs) {
        int n = 0;
        for (int i = 0; i < count && n < MAX_BLOCKS; i++) {
            if (tracks[i].fillReportBlock(layers[i], blocks[n], nowMs)) {
                n++;
            }
        }
        if (n == 0) {
            return 0;
        }
        int len = 0;
        for (int first = 0; first < n; first += BLOCKS_PER_RR) {
            len += ReceiverReport.write(b, off + len, senderSsrc, blocks, first, Math.min(BLOCKS_PER_RR, n - first));
        }
        return len + Sdes.writeCname(b, off + len, senderSsrc, cname);
    }
}
