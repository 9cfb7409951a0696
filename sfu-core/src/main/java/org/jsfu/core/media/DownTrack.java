package org.jsfu.core.media;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jsfu.core.bwe.SendHistory;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.Ntp;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtp.AudioLevel;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.PacketRing;
import org.jsfu.core.rtp.RtpRewriter;
import org.jsfu.core.rtp.Vp8Munger;

/**
 * One subscriber's copy of an {@link UpTrack}, on the room's loop. Video forwards the simulcast layer
 * its {@link LayerSelector} picks from this subscriber's UpdateTrackSettings and the layers flowing; the
 * output stays one stream (one SSRC, continuous sequence numbers and timestamps through
 * {@link RtpRewriter}, continuous VP8 picture IDs through {@link Vp8Munger}). Each forwarded packet is rebuilt in
 * the loop's scratch buffer as an RTP header without CSRCs plus the payload without padding, rewritten
 * (SSRC, sequence, timestamp, payload type), encrypted in place and sent. The publisher's header
 * extensions are not copied (their ids belong to the publisher's negotiation); the header carries the
 * extensions the subscriber negotiated on its PC, with its ids, in the one-byte form (RFC 8285 4.2):
 * the transport-wide sequence number (one counter per subscriber PC, {@link SendHistory}), abs-send-time,
 * and for audio the publisher's audio level (RFC 6464). The subscriber's NACKs are answered from the
 * ring of the layer the packet came from, with its original output header; a sender report describes
 * what was sent. A send-side bandwidth estimate may cap the video layer ({@link #bweCap}).
 */
final class DownTrack {
    /** Most sequence numbers answered from one NACK packet (RFC 4585 6.2.1 lets one FCI ask for 17). */
    static final int MAX_NACK_SEQS = 64;
    /** A packet is sent again for a repeated NACK only after this long (the first copy may be in flight). */
    private static final long RTX_REPEAT_NANOS = 15_000_000L;
    private static final int RTX_HISTORY = 256;
    private static final VarHandle BE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
    /** The track's shared view of the packet being rebuilt ({@link UpTrack#outView}): valid within one call. */
    private final RtpPacket out;
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
    /** The highest layer the downlink estimate allows ({@link DownlinkBwe}); the top layer when uncapped. */
    int bweCap = UpTrack.MAX_LAYERS - 1;
    /** Since when the estimate would allow a higher cap (hysteresis), or Long.MIN_VALUE. */
    long bweUpSinceNanos = Long.MIN_VALUE;
    /** How long a higher cap must stay affordable before it is granted; when the cap was last raised. */
    long bweHoldNanos = DownlinkBwe.UP_HOLD_NANOS;
    long bweRaisedAtNanos = Long.MIN_VALUE;
    /** Times the estimate lowered the cap. */
    long bweLowered;

    // Header extensions written on every packet sent (RFC 8285 4.2, one-byte form), ids from the subscriber's
    // answer. The template holds the extension header and each element's ID/L byte; per packet the values
    // are filled in: the audio level when the packet is rebuilt, the transport-wide number and abs-send-time
    // when it is sent. Offsets are into the packet (the header starts at 0); -1 when not written. The
    // template (at most 16 bytes) is kept as two big-endian longs in this object's fields, not an array of
    // its own, so that a cold subscriber's packet does not miss on one more line.
    private long extTemplate0;
    private long extTemplate1;
    private int extLen;
    private int tccAt = -1;
    private int astAt = -1;
    /** {@link #rebuild}'s "read the audio level from the packet" (a retransmission from the ring). */
    static final int READ_LEVEL = -2;
    private int levelAt = -1;
    private byte extLevelHeader;
    private SendHistory transportSeq;

    DownTrack(String trackSid, String mid, UpTrack up, TrackSubscriber session, int outPt, int outSsrc,
              int initialSeq, long initialTs) {
        this.trackSid = trackSid;
        this.mid = mid;
        this.up = up;
        this.out = up.outView;
        this.session = session;
        this.outPt = outPt;
        this.outSsrc = outSsrc;
        this.rewriter = new RtpRewriter(outSsrc, up.codec.clockRate(), initialSeq, initialTs, up.video ? 512 : 64);
        this.layers = up.video ? new LayerSelector(UpTrack.MAX_LAYERS) : null;
        this.vp8 = up.isVp8() ? new Vp8Munger() : null;
        Arrays.fill(rtxKey, Long.MIN_VALUE);
    }

    /**
     * The extensions to write from now on, with the ids the subscriber's answer gave them (-1 or an id
     * outside 1..14, which the one-byte form cannot carry: not written): the transport-wide sequence number
     * from {@code history} (the subscriber PC's counter), abs-send-time, and the audio level copied from
     * the publisher's packets (audio whose publisher sends it only).
     */
    void setHeaderExtensions(int transportCcId, int absSendTimeId, int audioLevelId, SendHistory history) {
        boolean tcc = oneByteId(transportCcId) && history != null;
        boolean ast = oneByteId(absSendTimeId);
        boolean level = oneByteId(audioLevelId) && !up.video && up.audioLevelExtId > 0;
        byte[] extTemplate = new byte[16];
        tccAt = astAt = levelAt = -1;
        transportSeq = tcc ? history : null;
        int p = 16; // elements start after the 12-byte header and the 4-byte extension header
        if (tcc) { // draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2: 16-bit number, L=1
            extTemplate[p - 12] = (byte) (transportCcId << 4 | 1);
            tccAt = p + 1;
            p += 3;
        }
        if (ast) { // abs-send-time: 24-bit 6.18 fixed point seconds, L=2
            extTemplate[p - 12] = (byte) (absSendTimeId << 4 | 2);
            astAt = p + 1;
            p += 4;
        }
        if (level) { // RFC 6464: one byte; left as two padding bytes when the publisher's packet has none
            levelAt = p + 1;
            extLevelHeader = (byte) (audioLevelId << 4);
            p += 2;
        }
        int words = (p - 16 + 3) / 4;
        extLen = words == 0 ? 0 : 4 + 4 * words;
        extTemplate[0] = (byte) 0xBE; // RFC 8285 4.2: 0xBEDE, then the length in 32-bit words
        extTemplate[1] = (byte) 0xDE;
        extTemplate[3] = (byte) words;
        extTemplate0 = (long) BE_LONGS.get(extTemplate, 0);
        extTemplate1 = (long) BE_LONGS.get(extTemplate, 8);
    }

    private static boolean oneByteId(int id) {
        return id >= 1 && id <= 14;
    }

    /** Bytes of header extension on each packet (0 when none is negotiated). */
    int headerExtensionLength() {
        return extLen;
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

    /** The layer asked for, capped by the downlink estimate. */
    int cappedTarget() {
        return Math.min(targetLayer(), bweCap);
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
            layer = LayerSelector.pick(Math.min(cappedTarget(), UpTrack.MAX_LAYERS - 1), up.flowingLayers(nowNanos));
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

    /** Passes {@link UpTrack#onRtp} makes over its DownTracks with {@link #touch} before forwarding. */
    static final int TOUCH_STAGES = 6;

    /**
     * Reads (only) the state {@link #forward} will read for a packet of {@code extSeq}, one level of
     * references deeper per {@code stage} (0: the objects this one points at; each later stage follows
     * references the earlier stages brought into cache). The fan-out makes one pass per stage over all its
     * DownTracks, so that each pass has the cache misses of many subscribers in flight at once, instead of
     * one subscriber's chain of dependent misses (DownTrack, session, transport, SRTP session, transform,
     * its arrays) at a time. Returns a value derived from the reads so the JIT keeps them.
     */
    int touch(long extSeq, int stage) {
        SendHistory h = transportSeq;
        return switch (stage) {
            // this object's fields of each size (the JVM groups fields by size: they span several lines)
            case 0 -> (int) (sent + lastTs) + extLen + levelAt + (negotiated ? 1 : 0)
                    + rewriter.touchFields() + (int) extTemplate0 + (h != null ? h.touchFields() : 0)
                    + session.touch(0);
            case 1 -> rewriter.touch(extSeq) + (h != null ? h.touch() : 0) + session.touch(1);
            default -> session.touch(stage);
        };
    }

    /**
     * A packet of layer {@code layer} ({@code flowing}: the layers sending lately, as bits). Video forwards
     * it only when it is of the chosen layer; a switch happens on a key frame of the new layer, and a key
     * frame is asked for while one is wanted. {@code audioLevel}: the packet's audio level extension as
     * {@link AudioLevel#read} gives it (-1: none), read once by the fan-out for all subscribers.
     * {@code sendNanos}: our clock when the fan-out builds its packets (they leave together, in the loop's
     * next flush), for the send-time extensions.
     */
    void forward(RtpPacket p, int layer, long extSeq, boolean keyframe, int flowing, int audioLevel, long nowNanos,
            long sendNanos, byte[] scratch) {
        if (!negotiated || disabled) {
            return;
        }
        if (layers != null) {
            if (p.payloadLength() == 0 && layer != layers.current()) {
                return; // a padding-only probe of a layer not forwarded: it neither counts as flowing nor asks for a key frame
            }
            layers.setTarget(cappedTarget());
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
        int len = rebuild(p, audioLevel, scratch);
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
        int h = out.headerLength();
        if (vp8 != null && !vp8.munge(scratch, h, len - h, outExt, RtpRewriter.isResync(decision))) {
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
        octets += len - h;
        // the SRTP index: extended next to the output's newest, now that apply counted this packet
        send(scratch, len, sendNanos, rewriter.extendOut(RtpRewriter.outSeq(decision)));
    }

    /**
     * Fills the send-time extensions (transport-wide number, abs-send-time) with {@code sendNanos}, when the
     * packet leaves (read from our clock by the caller: the time the publisher's packet was received would
     * count the loop's own delay as queuing on the subscriber's link) and sends with {@code index}, the
     * packet's extended output sequence number, as its SRTP index (RFC 3711 3.3.1).
     */
    private void send(byte[] scratch, int len, long sendNanos, long index) {
        if (tccAt > 0) {
            int seq = transportSeq.onSend(len, sendNanos);
            scratch[tccAt] = (byte) (seq >> 8);
            scratch[tccAt + 1] = (byte) seq;
        }
        if (astAt > 0) {
            int t = absSendTime(sendNanos);
            scratch[astAt] = (byte) (t >> 16);
            scratch[astAt + 1] = (byte) (t >> 8);
            scratch[astAt + 2] = (byte) t;
        }
        session.sendRtp(scratch, 0, len, index);
    }

    /** abs-send-time: seconds in 6.18 fixed point, the low 24 bits (webrtc.org abs-send-time extension). */
    static int absSendTime(long nanos) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        long frac = nanos - sec * 1_000_000_000L;
        return (int) (((sec << 18) | ((frac << 18) / 1_000_000_000L)) & 0xffffff);
    }

    /**
     * RFC 3550 5.1: V=2, P=0, X=1 when extensions are negotiated (else 0), CC=0; M, PT, seq, ts and SSRC
     * copied (rewritten later), the extension block from the template, then the payload without padding.
     * Wraps the copy in {@link #out}; returns its length or -1. {@code audioLevel}: the packet's audio level
     * extension as {@link AudioLevel#read} gives it (the fan-out reads it once for all subscribers), or
     * {@link #READ_LEVEL} to read it here.
     */
    private int rebuild(RtpPacket p, int audioLevel, byte[] scratch) {
        int payloadLen = p.payloadLength();
        byte[] src = p.buffer();
        System.arraycopy(src, p.offset() + 1, scratch, 1, 11);
        int h = 12;
        if (extLen == 0) {
            scratch[0] = (byte) 0x80;
        } else {
            scratch[0] = (byte) 0x90;
            BE_LONGS.set(scratch, 12, extTemplate0); // all 16 bytes: the payload's copy overwrites any past extLen
            BE_LONGS.set(scratch, 20, extTemplate1);
            if (levelAt > 0) {
                int level = audioLevel != READ_LEVEL ? audioLevel : AudioLevel.read(p, up.audioLevelExtId);
                if (level >= 0) {
                    scratch[levelAt - 1] = extLevelHeader;
                    scratch[levelAt] = (byte) level;
                }
            }
            h += extLen;
        }
        System.arraycopy(src, p.payloadOffset(), scratch, h, payloadLen);
        int len = h + payloadLen;
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
        int len = rebuild(stored, READ_LEVEL, scratch);
        int hl = out.headerLength();
        if (len < 0 || vp8 != null && !vp8.munge(scratch, hl, len - hl, outExt, false)
                || !rewriter.apply(decision, out, srcExtSeq, nowNanos / 1_000_000)) {
            return false;
        }
        out.setPayloadType(outPt);
        rtxKey[h] = outExt;
        rtxAt[h] = nowNanos;
        sent++;
        retransmitted++;
        octets += len - hl;
        send(scratch, len, tccAt > 0 || astAt > 0 ? session.sendClockNanos(nowNanos) : nowNanos,
                rewriter.extendOut(outSeq));
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
