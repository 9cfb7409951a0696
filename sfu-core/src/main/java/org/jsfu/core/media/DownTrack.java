package org.jsfu.core.media;

import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.RtpRewriter;

/**
 * One subscriber's copy of an {@link UpTrack}, on the room's loop. Each forwarded packet is rebuilt in
 * the loop's scratch buffer as a plain RTP header (no CSRC, no header extensions: their ids belong to
 * the publisher's negotiation) plus the payload without padding, rewritten (SSRC, sequence,
 * timestamp, payload type), encrypted in place and sent.
 */
final class DownTrack {
    final String trackSid;
    final String mid;
    final UpTrack up;
    final TrackSubscriber session;
    final int outPt;
    final int outSsrc;
    private final RtpRewriter rewriter;
    private final RtpPacket out = new RtpPacket();
    /** The subscriber accepted this track's m-line in an answer. */
    boolean negotiated;
    /** Video: forwarding starts (and restarts after a layer switch) on a keyframe. */
    boolean needKeyframe;
    /** UpdateTrackSettings.disabled, or the publisher muted. */
    boolean disabled;
    long sent;

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
        int payloadLen = p.payloadLength();
        byte[] src = p.buffer();
        int o = p.offset();
        // RFC 3550 5.1: V=2, P=0, X=0, CC=0; keep M and PT, then seq, ts, ssrc (rewritten below).
        scratch[0] = (byte) 0x80;
        System.arraycopy(src, o + 1, scratch, 1, 11);
        System.arraycopy(src, p.payloadOffset(), scratch, 12, payloadLen);
        int len = 12 + payloadLen;
        if (!out.wrap(scratch, 0, len)) {
            return;
        }
        long nowMs = nowNanos / 1_000_000;
        long decision = rewriter.decide(out, extSeq, nowMs);
        if (!rewriter.apply(decision, out, extSeq, nowMs)) {
            return;
        }
        out.setPayloadType(outPt);
        sent++;
        session.sendRtp(scratch, 0, len);
    }
}
