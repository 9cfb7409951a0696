package org.jsfu.core.media;

import java.util.Arrays;
import org.jsfu.core.rtcp.NackTranslator;
import org.jsfu.core.rtcp.Ntp;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.RtpRewriter;

/**
 * One subscriber's copy of an {@link UpTrack}, on the room's loop. Each forwarded packet is rebuilt in
 * the loop's scratch buffer as a plain RTP header (no CSRC, no header extensions: their ids belong to
 * the publisher's negotiation) plus the payload without padding, rewritten (SSRC, sequence,
 * timestamp, payload type), encrypted in place and sent. The subscriber's NACKs are answered from the
 * publisher's {@link org.jsfu.core.rtp.PacketRing} with the packet's original output header; a sender
 * report describes what was sent.
 */
final class DownTrack {
    /** Most sequence numbers answered from one NACK packet (RFC 4585 6.2.1 lets one FCI ask for 17). */
    static final int MAX_NACK_SEQS = 64;
    /** A packet is sent again for a repeated NACK only after this long (the first copy may be in flight). */
    private static final long RTX_REPEAT_NANOS = 15_000_000L;
    private static final int RTX_HISTORY = 256;

    final String trackSid;
    final String mid;
    final UpTrack up;
    final TrackSubscriber session;
    final int outPt;
    final int outSsrc;
    private final RtpRewriter rewriter;
    private final RtpPacket out = new RtpPacket();
    private final RtpPacket stored = new RtpPacket();
    /** Publisher extended seq -> last retransmission time, to damp repeated NACKs. */
    private final long[] rtxKey = new long[RTX_HISTORY];
    private final long[] rtxAt = new long[RTX_HISTORY];
    /** The subscriber accepted this track's m-line in an answer. */
    boolean negotiated;
    /** Video: forwarding starts (and restarts after a layer switch) on a keyframe. */
    boolean needKeyframe;
    /** UpdateTrackSettings.disabled (or quality OFF): nothing is forwarded. */
    boolean disabled;
    /** UpdateTrackSettings.quality: the highest simulcast layer wanted (0 LOW .. 2 HIGH). */
    int maxQuality = UpTrack.MAX_LAYERS - 1;
    /** UpdateTrackSettings.width/height (0 when not given): they take precedence over maxQuality. */
    int wantWidth;
    int wantHeight;
    /** RTP packets sent, retransmissions included (RFC 3550 6.4.1 sender's packet count). */
    long sent;
    /** Payload octets sent (RFC 3550 6.4.1 sender's octet count). */
    long octets;
    long retransmitted;
    /** Output timestamp of the newest forwarded packet and when it was sent: the SR's RTP/NTP pair. */
    private long lastTs;
    private long lastSentNanos;
    // from the subscriber's receiver reports (RFC 3550 6.4.2)
    int fractionLost;
    int cumulativeLost;
    long jitter;
    /** Round trip from LSR/DLSR (RFC 3550 6.4.1), or -1 before the first report that has one. */
    long rttMs = -1;

    DownTrack(String trackSid, String mid, UpTrack up, TrackSubscriber session, int outPt, int outSsrc,
              int initialSeq, long initialTs) {
        this.trackSid = trackSid;
        this.mid = mid;
        this.up = up;
        this.session = session;
        this.outPt = outPt;
        this.outSsrc = outSsrc;
        this.rewriter = new RtpRewriter(outSsrc, up.codec.clockRate(), initialSeq, initialTs, up.video ? 512 : 64);
        this.needKeyframe = up.video;
        Arrays.fill(rtxKey, Long.MIN_VALUE);
    }

    void switchSource(int ssrc) {
        rewriter.switchSource(ssrc);
    }

    void setDisabled(boolean d) {
        if (d == disabled) {
            return;
        }
        disabled = d;
        if (d) {
            rewriter.pause();
        } else {
            rewriter.resume();
            needKeyframe = up.video;
        }
    }

    void forward(RtpPacket p, long extSeq, boolean keyframe, long nowNanos, byte[] scratch) {
        if (!negotiated || disabled) {
            return;
        }
        if (needKeyframe) {
            if (!keyframe) {
                up.requestKeyframe(nowNanos);
                return;
            }
            needKeyframe = false;
        }
        int len = rebuild(p, scratch);
        if (len < 0) {
            return;
        }
        long nowMs = nowNanos / 1_000_000;
        long decision = rewriter.decide(out, extSeq, nowMs);
        if (!rewriter.apply(decision, out, extSeq, nowMs)) {
            return;
        }
        out.setPayloadType(outPt);
        if (RtpRewriter.outSeq(decision) == (int) (rewriter.outHighest() & 0xffff)) {
            lastTs = RtpRewriter.outTimestamp(decision);
            lastSentNanos = nowNanos;
        }
        sent++;
        octets += len - 12;
        session.sendRtp(scratch, 0, len);
    }

    /**
     * RFC 3550 5.1: V=2, P=0, X=0, CC=0; M, PT, seq, ts and SSRC copied (rewritten later), then the payload
     * without padding. Wraps the copy in {@link #out}; returns its length or -1.
     */
    private int rebuild(RtpPacket p, byte[] scratch) {
        int payloadLen = p.payloadLength();
        byte[] src = p.buffer();
        scratch[0] = (byte) 0x80;
        System.arraycopy(src, p.offset() + 1, scratch, 1, 11);
        System.arraycopy(src, p.payloadOffset(), scratch, 12, payloadLen);
        int len = 12 + payloadLen;
        return out.wrap(scratch, 0, len) ? len : -1;
    }

    /**
     * A generic NACK (RFC 4585 6.2.1) from the subscriber for this track's SSRC: each sequence number is
     * mapped back to the publisher's (what was forwarded before the last switch is not), fetched from
     * the publisher's ring and sent again, same payload, same output header (no RTX: the subscriber PC
     * does not negotiate it). At most {@link #MAX_NACK_SEQS} per packet and {@code budget}. Returns how many were sent.
     */
    int onNack(byte[] b, int off, int len, long nowNanos, byte[] scratch, int[] seqs, long[] srcSeqs, int budget) {
        if (!negotiated) {
            return 0;
        }
        int n = Math.min(budget, NackTranslator.toSource(b, off, len, rewriter, seqs, srcSeqs));
        int resent = 0;
        for (int i = 0; i < n; i++) {
            if (retransmit(srcSeqs[i], nowNanos, scratch)) {
                resent++;
            }
        }
        return resent;
    }

    /** Sends publisher packet {@code srcExtSeq} again if the ring still holds it and it was ours to send. */
    boolean retransmit(long srcExtSeq, long nowNanos, byte[] scratch) {
        int h = (int) srcExtSeq & (RTX_HISTORY - 1);
        if (rtxKey[h] == srcExtSeq && nowNanos - rtxAt[h] < RTX_REPEAT_NANOS) {
            return false;
        }
        int slot = up.ring.find(srcExtSeq);
        if (slot < 0 || !stored.wrap(up.ring.slot(slot), 0, up.ring.slotLength(slot))) {
            return false;
        }
        long decision = rewriter.decideRetransmit(stored, srcExtSeq);
        if (!RtpRewriter.isForward(decision)) {
            return false;
        }
        int len = rebuild(stored, scratch);
        if (len < 0 || !rewriter.apply(decision, out, srcExtSeq, nowNanos / 1_000_000)) {
            return false;
        }
        out.setPayloadType(outPt);
        rtxKey[h] = srcExtSeq;
        rtxAt[h] = nowNanos;
        sent++;
        retransmitted++;
        octets += len - 12;
        session.sendRtp(scratch, 0, len);
        return true;
    }

    /**
     * Writes a sender report (RFC 3550 6.4.1) without report blocks: NTP time from the wall clock, the RTP
     * timestamp of the newest forwarded packet advanced by the time since it was sent at the codec's
     * clock rate, packet and octet counts. Returns its length, or 0 before anything was sent.
     */
    int writeSenderReport(byte[] b, int off, long wallMs, long nowNanos) {
        if (sent == 0) {
            return 0;
        }
        long elapsedUs = Math.max(0, nowNanos - lastSentNanos) / 1000;
        long ts = lastTs + elapsedUs * up.codec.clockRate() / 1_000_000;
        return SenderReport.write(b, off, outSsrc, Ntp.fromUnixMillis(wallMs), ts & 0xffffffffL,
                sent & 0xffffffffL, octets & 0xffffffffL, null, 0);
    }

    /** A report block about this track from the subscriber's RR or SR (RFC 3550 6.4.1). */
    void onReportBlock(ReportBlock rb, long wallMs) {
        fractionLost = rb.fractionLost;
        cumulativeLost = rb.cumulativeLost;
        jitter = rb.jitter;
        if (rb.lsr != 0) {
            // RTT = A - LSR - DLSR, in 1/65536 s (RFC 3550 6.4.1, "round-trip propagation delay").
            long a = Ntp.middle32(Ntp.fromUnixMillis(wallMs));
            long rtt = (a - rb.lsr - rb.dlsr) & 0xffffffffL;
            if (rtt < 0x80000000L) {
                rttMs = rtt * 1000 / 65536;
            }
        }
    }
}
