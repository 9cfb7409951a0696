package org.jsfu.core.media;

import java.util.Arrays;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.Ntp;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.PacketRing;
import org.jsfu.core.rtp.RtpRewriter;
import org.jsfu.core.rtp.Vp8Munger;

/**
 * One subscriber's copy of an {@link UpTrack}, on the room's loop. Video forwards the simulcast layer
 * its {@link LayerSelector} picks from this subscriber's UpdateTrackSettings and the layers flowing; the
 * output stays one stream (one SSRC, continuous sequence numbers and timestamps through
 * {@link RtpRewriter}, continuous VP8 picture IDs through {@link Vp8Munger}). Each forwarded packet is rebuilt in
 * the loop's scratch buffer as a plain RTP header (no CSRC, no header extensions: their ids belong to
 * the publisher's negotiation) plus the payload without padding, rewritten (SSRC, sequence,
 * timestamp, payload type), encrypted in place and sent. The subscriber's NACKs are answered from the
 * ring of the layer the packet came from, with its original output header; a sender report describes
 * what was sent.
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
    /** livekit.VideoQuality.OFF in UpdateTrackSettings.quality (LOW 0, MEDIUM 1, HIGH 2). */
    static final int VIDEO_QUALITY_OFF = 3;
    static final int VIDEO_QUALITY_HIGH = 2;
    private final RtpRewriter rewriter;
    /** Video: the layer this subscriber gets; null for audio. */
    private final LayerSelector layers;
    /** VP8: picture ID / TL0PICIDX / KEYIDX continuity across layers; null otherwise. */
    private final Vp8Munger vp8;
    private final RtpPacket out = new RtpPacket();
    private final RtpPacket stored = new RtpPacket();
    /** Output seq -> last retransmission time, to damp repeated NACKs. */
    private final long[] rtxKey = new long[RTX_HISTORY];
    private final long[] rtxAt = new long[RTX_HISTORY];
    /** The subscriber accepted this track's m-line in an answer. */
    boolean negotiated;
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
        this.layers = up.video ? new LayerSelector(UpTrack.MAX_LAYERS) : null;
        this.vp8 = up.isVp8() ? new Vp8Munger() : null;
        Arrays.fill(rtxKey, Long.MIN_VALUE);
    }

    /**
     * UpdateTrackSettings (livekit-protocol.md 2.6): {@code disabled} (or quality OFF without dimensions)
     * pauses forwarding; width/height, else quality (LOW 0, MEDIUM 1, HIGH 2), choose the layer.
     */
    void applySettings(boolean disabled, int quality, int width, int height) {
        boolean sized = width > 0 || height > 0;
        wantWidth = Math.max(width, 0);
        wantHeight = Math.max(height, 0);
        if (!sized && quality >= 0 && quality < VIDEO_QUALITY_OFF) {
            maxQuality = quality;
        }
        setDisabled(disabled || (!sized && quality == VIDEO_QUALITY_OFF));
    }

    /**
     * The layer this subscriber asks for: by its dimensions when it gave them, else by quality (HIGH is
     * the top layer, whatever the count).
     */
    int targetLayer() {
        if (wantWidth > 0 || wantHeight > 0) {
            return up.layerForSize(wantWidth, wantHeight);
        }
        return maxQuality >= VIDEO_QUALITY_HIGH ? UpTrack.MAX_LAYERS - 1 : maxQuality;
    }

    /** The layer forwarded now (0 for audio), or -1 while none is (waiting for a key frame, disabled). */
    int currentLayer() {
        if (disabled || !negotiated) {
            return -1;
        }
        return layers == null ? 0 : layers.current();
    }

    /** Video that waits for a key frame: to start, after a resume, or to move to another layer. */
    boolean waitingForKeyframe() {
        return layers != null && negotiated && !disabled && layers.waiting();
    }

    /** A key frame for this subscriber (it sent PLI/FIR, or waits): on the layer it needs. */
    void requestKeyframe(long nowNanos) {
        if (layers == null) {
            return;
        }
        int layer = layers.keyframeLayer();
        if (layer < 0) {
            layer = layers.current();
        }
        if (layer < 0) { // nothing chosen yet: the layer it would choose now (every layer when none flows)
            layer = LayerSelector.pick(Math.min(targetLayer(), UpTrack.MAX_LAYERS - 1), up.flowingLayers(nowNanos));
        }
        up.requestKeyframe(layer, nowNanos);
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
            if (layers != null) {
                layers.reset();
            }
        }
    }

    /**
     * A packet of layer {@code layer} ({@code flowing}: the layers sending lately, as bits). Video forwards
     * it only when it is of the chosen layer; a switch happens on a key frame of the new layer, and a key
     * frame is asked for while one is wanted.
     */
    void forward(RtpPacket p, int layer, long extSeq, boolean keyframe, int flowing, long nowNanos, byte[] scratch) {
        if (!negotiated || disabled) {
            return;
        }
        if (layers != null) {
            if (p.payloadLength() == 0 && layer != layers.current()) {
                return; // a padding-only probe of a layer not forwarded: it neither counts as flowing nor asks for a key frame
            }
            layers.setTarget(targetLayer());
            int action = layers.onPacket(layer, keyframe, flowing);
            if (layers.keyframeLayer() >= 0) {
                up.requestKeyframe(layers.keyframeLayer(), nowNanos);
            }
            if (action == LayerSelector.DROP) {
                return;
            }
            if (action == LayerSelector.SWITCH) {
                // time the new layer by the publisher's sender reports of both layers when there are some
                int from = sent > 0 ? up.layerOfSsrc(rewriter.sourceSsrc()) : -1;
                rewriter.switchSource(p.ssrc(), from < 0 || from == layer ? RtpRewriter.UNKNOWN
                        : up.timestampOffset(from, layer));
            }
        }
        int len = rebuild(p, scratch);
        if (len < 0) {
            return;
        }
        long nowMs = nowNanos / 1_000_000;
        long decision = rewriter.decide(out, extSeq, nowMs);
        if (!RtpRewriter.isForward(decision)) {
            rewriter.apply(decision, out, extSeq, nowMs);
            return;
        }
        long outExt = rewriter.extendOut(RtpRewriter.outSeq(decision));
        if (vp8 != null && !vp8.munge(scratch, 12, len - 12, outExt, RtpRewriter.isResync(decision))) {
            return;
        }
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
     * mapped back to the source packet behind it (its layer's SSRC and sequence, also for packets sent
     * before a layer switch), fetched from that layer's ring and sent again, same payload, same output
     * header (no RTX: the subscriber PC does not negotiate it). At most {@link #MAX_NACK_SEQS} per packet
     * and {@code budget}. Returns how many were sent.
     */
    int onNack(byte[] b, int off, int len, long nowNanos, byte[] scratch, int[] seqs, int budget) {
        if (!negotiated) {
            return 0;
        }
        int n = Math.min(budget, Nack.parse(b, off, len, seqs));
        int resent = 0;
        for (int i = 0; i < n; i++) {
            if (retransmit(seqs[i], nowNanos, scratch)) {
                resent++;
            }
        }
        return resent;
    }

    /** Sends output packet {@code outSeq} again if its layer's ring still holds the source packet. */
    boolean retransmit(int outSeq, long nowNanos, byte[] scratch) {
        long srcExtSeq = rewriter.sourceSeqFor(outSeq);
        if (srcExtSeq == RtpRewriter.UNKNOWN) {
            return false;
        }
        int layer = up.layerOfSsrc(rewriter.sourceSsrcFor(outSeq));
        if (layer < 0 && !up.video) {
            layer = 0; // audio without a mapped SSRC (tests, or a track fed directly)
        }
        if (layer < 0) {
            return false;
        }
        long outExt = rewriter.extendOut(outSeq);
        int h = (int) outExt & (RTX_HISTORY - 1);
        if (rtxKey[h] == outExt && nowNanos - rtxAt[h] < RTX_REPEAT_NANOS) {
            return false;
        }
        PacketRing ring = up.ring(layer);
        int slot = ring.find(srcExtSeq);
        if (slot < 0 || !stored.wrap(ring.slot(slot), 0, ring.slotLength(slot))) {
            return false;
        }
        long decision = rewriter.decideRetransmitAt(stored, outSeq);
        if (!RtpRewriter.isForward(decision)) {
            return false;
        }
        int len = rebuild(stored, scratch);
        if (len < 0 || vp8 != null && !vp8.munge(scratch, 12, len - 12, outExt, false)
                || !rewriter.apply(decision, out, srcExtSeq, nowNanos / 1_000_000)) {
            return false;
        }
        out.setPayloadType(outPt);
        rtxKey[h] = outExt;
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
