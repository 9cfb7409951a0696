package org.jsfu.core.media;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jsfu.core.rtcp.Fir;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.Pli;
import org.jsfu.core.rtcp.ReceiverReport;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.Rtcp;
import org.jsfu.core.rtcp.RtcpIterator;
import org.jsfu.core.rtcp.Sdes;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtcp.TwccFeedback;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;

/**
 * RTCP on one subscriber PC, on the room's loop. In: NACKs answered from the publishers' rings, PLI and
 * FIR relayed as keyframe requests (throttled by the track), receiver report blocks kept per
 * {@link DownTrack} (loss, jitter, round trip), transport-wide feedback (RTPFB FMT 15) to the PC's
 * {@link DownlinkBwe}. A datagram with a malformed packet anywhere is dropped
 * whole. Out: about once a second, an SR + SDES CNAME per track that has sent (RFC 3550 6.1, 6.4.1).
 */
final class SubscriberRtcp {
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** Retransmissions at most per incoming datagram, whatever the NACKs ask. */
    static final int MAX_RETRANSMITS_PER_DATAGRAM = 128;
    /** Reports per outgoing datagram, well inside the MTU. */
    private static final int FLUSH_AT = 1000;

    private final byte[] cname;
    private final RtcpIterator it = new RtcpIterator();
    private final ReportBlock rb = new ReportBlock();
    private final int[] seqs = new int[DownTrack.MAX_NACK_SEQS];
    private final byte[] buf = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];
    private long lastReportNanos = Long.MIN_VALUE;
    long nacksReceived;
    long retransmitted;
    long keyframeRequests;

    /** The PC's downlink estimate, fed by the transport-wide feedback. */
    final DownlinkBwe bwe;

    SubscriberRtcp(byte[] cnameUtf8) {
        this(cnameUtf8, null);
    }

    /** @param ackedTotal counts the packets transport-wide feedback acknowledged (may be null) */
    SubscriberRtcp(byte[] cnameUtf8, LongAdder ackedTotal) {
        this.cname = cnameUtf8;
        this.bwe = new DownlinkBwe(ackedTotal);
    }

    /** A decrypted compound packet from the subscriber. */
    void onRtcp(byte[] b, int off, int len, List<DownTrack> downs, long nowNanos, long wallMs, byte[] scratch) {
        it.reset(b, off, len);
        while (it.next()) {
            // validate the whole compound packet first (RFC 3550 A.2)
        }
        if (it.malformed()) {
            return;
        }
        it.reset(b, off, len);
        int budget = MAX_RETRANSMITS_PER_DATAGRAM;
        while (it.next()) {
            int p = it.offset();
            int plen = it.contentLength();
            switch (it.type()) {
                case Rtcp.SR -> {
                    if (SenderReport.isValid(b, p, plen)) {
                        for (int i = 0, n = SenderReport.reportCount(b, p); i < n; i++) {
                            SenderReport.readBlock(b, p, i, rb);
                            onBlock(downs, wallMs);
                        }
                    }
                }
                case Rtcp.RR -> {
                    if (ReceiverReport.isValid(b, p, plen)) {
                        for (int i = 0, n = ReceiverReport.reportCount(b, p); i < n; i++) {
                            ReceiverReport.readBlock(b, p, i, rb);
                            onBlock(downs, wallMs);
                        }
                    }
                }
                case Rtcp.RTPFB -> {
                    if (TwccFeedback.isTwcc(b, p, plen)) {
                        bwe.onFeedback(b, p, plen, downs, nowNanos);
                    } else if (budget > 0 && Nack.isNack(b, p, plen)) {
                        DownTrack d = find(downs, Rtcp.mediaSsrc(b, p));
                        if (d != null) {
                            nacksReceived++;
                            int sent = d.onNack(b, p, plen, nowNanos, scratch, seqs, budget);
                            retransmitted += sent;
                            budget -= Math.max(1, sent);
                        }
                    }
                }
                case Rtcp.PSFB -> {
                    if (Pli.isPli(b, p, plen)) {
                        keyframe(find(downs, Rtcp.mediaSsrc(b, p)), nowNanos);
                    } else if (Fir.isFir(b, p, plen)) {
                        // RFC 5104 4.3.1: one FCI entry per target SSRC
                        for (int i = 0, n = Fir.entryCount(b, p, plen); i < n; i++) {
                            keyframe(find(downs, Fir.entrySsrc(b, p, i)), nowNanos);
                        }
                    }
                }
                default -> { }
            }
        }
    }

    private void keyframe(DownTrack d, long nowNanos) {
        if (d != null) {
            keyframeRequests++;
            d.requestKeyframe(nowNanos);
        }
    }

    private void onBlock(List<DownTrack> downs, long wallMs) {
        DownTrack d = find(downs, rb.ssrc);
        if (d != null) {
            d.onReportBlock(rb, wallMs);
        }
    }

    private static DownTrack find(List<DownTrack> downs, int ssrc) {
        for (int i = 0, n = downs.size(); i < n; i++) {
            DownTrack d = downs.get(i);
            if (d.outSsrc == ssrc) {
                return d;
            }
        }
        return null;
    }

    /** Sends the sender reports when one is due (once a second). */
    void tick(RtcpOut out, List<DownTrack> downs, long nowNanos, long wallMs) {
        if (lastReportNanos != Long.MIN_VALUE && nowNanos - lastReportNanos < REPORT_INTERVAL_NANOS) {
            return;
        }
        lastReportNanos = nowNanos;
        int len = 0;
        for (int i = 0, n = downs.size(); i < n; i++) {
            len += writeReport(buf, len, downs.get(i), nowNanos, wallMs);
            if (len >= FLUSH_AT) {
                out.sendRtcp(buf, 0, len);
                len = 0;
            }
        }
        if (len > 0) {
            out.sendRtcp(buf, 0, len);
        }
    }

    /** SR for the track followed by SDES with its CNAME (RFC 3550 6.1); 0 when it has not sent yet. */
    int writeReport(byte[] b, int off, DownTrack d, long nowNanos, long wallMs) {
        if (!d.negotiated) {
            return 0;
        }
        int len = d.writeSenderReport(b, off, wallMs, nowNanos);
        if (len == 0) {
            return 0;
        }
        return len + Sdes.writeCname(b, off + len, d.outSsrc, cname);
    }
}
