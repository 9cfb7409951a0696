package org.jsfu.core.media;

import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.rtcp.NackGenerator;
import org.jsfu.core.rtcp.ReceiveStats;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtp.H264;
import org.jsfu.core.rtp.PacketRing;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.SeqUnwrapper;
import org.jsfu.core.rtp.SpeakerDetector;
import org.jsfu.core.rtp.AudioLevel;
import org.jsfu.core.rtp.TsUnwrapper;
import org.jsfu.core.rtp.Vp8Descriptor;
import org.jsfu.core.sdp.Codec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One published track as the router sees it, on the room's loop. Video may arrive as several
 * simulcast layers (one SSRC each). Every layer's packets are kept in that layer's {@link PacketRing}
 * and offered to every subscriber; each {@link DownTrack} forwards the one layer its
 * {@link LayerSelector} picks. This track knows which layers are flowing, their sizes, and asks the
 * publisher for key frames per layer (throttled).
 */
public final class UpTrack {
    private static final Logger log = LoggerFactory.getLogger(UpTrack.class);
    static final int MAX_LAYERS = 4;
    static final long PLI_INTERVAL_NANOS = 500_000_000L;

    final String trackSid;
    final String publisherSid;
    final boolean video;
    final Codec codec;
    final TrackPublisher publisher;
    final int audioLevelExtId;
    final List<DownTrack> downs = new ArrayList<>();
    /**
     * The view every {@link DownTrack} of this track wraps its rebuilt packet in, one at a time on the loop:
     * shared, so that it is warm for each subscriber of a fan-out rather than one more object of each.
     */
    final RtpPacket outView = new RtpPacket();
    /**
     * Egress taps, copy-on-write: replaced (never changed in place) by {@link #addTap}/{@link #removeTap},
     * so a tap may detach itself, or another, while the loop iterates a snapshot; no allocation per packet.
     */
    private RtpTap[] taps = NO_TAPS;
    private static final RtpTap[] NO_TAPS = new RtpTap[0];
    /** The layer the taps record: the best one flowing (a recording takes the best layer). */
    private final LayerSelector tapLayer = new LayerSelector(MAX_LAYERS);

    // layers, indexed by quality (0 = q/low ... 2 = f/high; audio and non-simulcast video use 0)
    private final int[] layerSsrc = new int[MAX_LAYERS];
    private final boolean[] layerKnown = new boolean[MAX_LAYERS];
    /** Which layers the publisher is sending (LiveKit's stream tracker rules). */
    private final LayerActivity activity = new LayerActivity(MAX_LAYERS);
    /** Each layer's NTP <-> RTP timestamp pair from the publisher's sender reports. */
    private final LayerClocks clocks = new LayerClocks(MAX_LAYERS);
    private final long[] layerPliNanos = new long[MAX_LAYERS];
    /** Sizes from AddTrackRequest.layers by quality (0 when not declared). */
    private final int[] layerWidth = new int[MAX_LAYERS];
    private final int[] layerHeight = new int[MAX_LAYERS];
    private final SeqUnwrapper[] seq = new SeqUnwrapper[MAX_LAYERS];
    private final TsUnwrapper[] ts = new TsUnwrapper[MAX_LAYERS];
    /** Per layer reception statistics (RFC 3550 A.1, A.3, A.8) and missing packets to NACK (RFC 4585). */
    private final ReceiveStats[] stats = new ReceiveStats[MAX_LAYERS];
    private final NackGenerator[] nacks = new NackGenerator[MAX_LAYERS];
    /** Per layer packet history for subscribers' NACKs; created on a layer's first packet. */
    private final PacketRing[] rings = new PacketRing[MAX_LAYERS];
    /** What each layer carries, for the subscribers' downlink allocation ({@link DownlinkBwe}). */
    private final LayerBitrates bitrates = new LayerBitrates(MAX_LAYERS);
    /** The published size (AddTrackRequest width/height): the top layer's, for subscribers' dimensions. */
    private int publishedWidth;
    private int publishedHeight;
    private final Vp8Descriptor vp8 = new Vp8Descriptor();
    /** The flowing layers at the last packet, to log when the publisher starts or stops one. */
    private int lastFlowing;
    boolean muted;
    boolean closed;
    /** Active speaker counters (audio with the RFC 6464 extension only). */
    SpeakerDetector.Track speaker;
    long packets;

    UpTrack(String trackSid, String publisherSid, boolean video, Codec codec, TrackPublisher publisher,
            int audioLevelExtId) {
        this.trackSid = trackSid;
        this.publisherSid = publisherSid;
        this.video = video;
        this.codec = codec;
        this.publisher = publisher;
        this.audioLevelExtId = audioLevelExtId;
        for (int i = 0; i < MAX_LAYERS; i++) {
            seq[i] = new SeqUnwrapper();
            ts[i] = new TsUnwrapper();
        }
        java.util.Arrays.fill(layerPliNanos, Long.MIN_VALUE);
    }

    /** Registers {@code ssrc} as layer {@code layer}; returns false when the layer index is invalid. */
    boolean addLayer(int layer, int ssrc) {
        if (layer < 0 || layer >= MAX_LAYERS) {
            return false;
        }
        if (layerSsrc[layer] != ssrc) {
            clocks.forget(layer);
        }
        layerSsrc[layer] = ssrc;
        layerKnown[layer] = true;
        stats[layer] = new ReceiveStats(ssrc, codec.clockRate());
        nacks[layer] = new NackGenerator(video ? 512 : 128, 10, 10, 20);
        return true;
    }

    void setPublishedSize(int width, int height) {
        publishedWidth = width;
        publishedHeight = height;
    }

    /** The size of layer {@code quality} as the publisher declared it (AddTrackRequest.layers). */
    void setLayerSize(int quality, int width, int height) {
        if (quality >= 0 && quality < MAX_LAYERS) {
            layerWidth[quality] = Math.max(width, 0);
            layerHeight[quality] = Math.max(height, 0);
        }
    }

    /**
     * The smallest known layer at least w x h (longer sides compared): by the sizes the publisher declared,
     * else taking each layer below the top as half the size of the one above (LiveKit's simulcast ladders
     * q/h/f). The top when none is.
     */
    int layerForSize(int w, int h) {
        int top = -1;
        for (int i = MAX_LAYERS - 1; i >= 0 && top < 0; i--) {
            if (layerKnown[i]) {
                top = i;
            }
        }
        if (top < 0) {
            return MAX_LAYERS - 1;
        }
        int want = Math.max(w, h);
        int full = Math.max(publishedWidth, publishedHeight);
        for (int i = 0; i < top; i++) {
            if (!layerKnown[i]) {
                continue;
            }
            int side = Math.max(layerWidth[i], layerHeight[i]);
            if (side == 0 && full > 0) {
                side = full >> (top - i);
            }
            if (side >= want) {
                return i;
            }
        }
        return top;
    }

    /** True when {@code layer} already belongs to another SSRC. */
    boolean layerTaken(int layer, int ssrc) {
        return layer >= 0 && layer < MAX_LAYERS && layerKnown[layer] && layerSsrc[layer] != ssrc;
    }

    /** The layer of SSRC {@code ssrc}, or -1. */
    int layerOfSsrc(int ssrc) {
        for (int i = 0; i < MAX_LAYERS; i++) {
            if (layerKnown[i] && layerSsrc[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /** Layer {@code layer}'s packet history (never null). */
    PacketRing ring(int layer) {
        PacketRing r = rings[layer];
        if (r == null) {
            // video: ~4 s of a 2.5 Mbps layer; a layer below the top declared one sends far fewer packets
            // per second, so half of that still holds several seconds
            boolean belowTop = false;
            for (int i = layer + 1; i < MAX_LAYERS; i++) {
                belowTop |= layerWidth[i] > 0;
            }
            r = new PacketRing(!video ? 128 : belowTop ? 512 : 1024, 1500);
            rings[layer] = r;
        }
        return r;
    }

    boolean isKeyframe(RtpPacket p) {
        if (!video) {
            return true;
        }
        String name = codec.name();
        if ("VP8".equalsIgnoreCase(name)) {
            return Vp8Descriptor.isKeyframe(p.buffer(), p.payloadOffset(), p.payloadLength(), vp8);
        }
        if ("H264".equalsIgnoreCase(name)) {
            return H264.isKeyframe(p.buffer(), p.payloadOffset(), p.payloadLength());
        }
        return false;
    }

    boolean isVp8() {
        return video && "VP8".equalsIgnoreCase(codec.name());
    }

    /** Bit i set for each layer the publisher is sending ({@link LayerActivity}). */
    int flowingLayers(long nowNanos) {
        return activity.mask(nowNanos);
    }

    /** A screen share: its layers count as sent at a far lower packet rate ({@link LayerActivity}). */
    void setScreenShare(boolean screenShare) {
        activity.setScreenShare(screenShare);
    }

    /** Keeps {@link DownTrack#touch}'s reads from being optimised away. */
    int touched;

    /** A decrypted packet of layer {@code layer}; offers it to every subscriber and the taps. */
    void onRtp(RtpPacket p, int layer, long nowNanos, byte[] scratch) {
        onRtp(p, layer, nowNanos, scratch, false);
    }

    /** {@code repair}: a retransmission, which fills a gap but never starts a layer (it may be old). */
    private void onRtp(RtpPacket p, int layer, long nowNanos, byte[] scratch, boolean repair) {
        packets++;
        long extSeq = seq[layer].unwrap(p.sequence());
        long extTs = ts[layer].unwrap(p.timestamp());
        if (stats[layer] != null) {
            stats[layer].onPacket(p.sequence(), p.timestamp(), nowNanos);
            nacks[layer].onPacket(extSeq, nowNanos / 1_000_000);
        }
        if (p.payloadLength() > 0 && !repair) { // neither probes nor repairs make a stopped layer look alive
            activity.onPacket(layer, nowNanos);
            bitrates.onPacket(layer, p.length() - p.paddingLength(), nowNanos);
        }
        boolean key = video && !repair && p.payloadLength() > 0 && isKeyframe(p);
        int flowing = video ? flowingLayers(nowNanos) : 1 << layer;
        if (flowing != lastFlowing && video) { // rare: a layer started or stopped (seen at the next packet)
            lastFlowing = flowing;
            log.info("video layers received track={} layers={}", trackSid, layerNames(flowing));
        }
        ring(layer).put(extSeq, p.buffer(), p.offset(), p.length());
        // read once here for the speaker and for every subscriber's rebuilt header (-1: none)
        int packed = audioLevelExtId > 0 ? AudioLevel.read(p, audioLevelExtId) : -1;
        if (speaker != null && !muted && packed >= 0) {
            speaker.observe(AudioLevel.level(packed));
        }
        int warm = 0;
        for (int stage = 0; stage < DownTrack.TOUCH_STAGES; stage++) {
            for (int i = 0, n = downs.size(); i < n; i++) {
                warm += downs.get(i).touch(extSeq, stage);
            }
        }
        touched = warm;
        int n = downs.size();
        long sendNanos = n > 0 ? publisher.sendClockNanos(nowNanos) : nowNanos; // one clock read per fan-out
        for (int i = 0; i < n; i++) {
            downs.get(i).forward(p, layer, extSeq, key, flowing, packed, nowNanos, sendNanos, scratch);
        }
        RtpTap[] ts = taps;
        if (ts.length > 0 && p.payloadLength() > 0
                && (!video || tapLayer.onPacket(layer, key, flowing) != LayerSelector.DROP)) {
            for (RtpTap t : ts) {
                t.onRtp(p.buffer(), p.payloadOffset(), p.payloadLength(), extTs, extSeq, nowNanos);
            }
        }
        if (video && ts.length > 0 && tapLayer.keyframeLayer() >= 0) {
            requestKeyframe(tapLayer.keyframeLayer(), nowNanos);
        }
    }

    /** "q,h" for the layers in {@code mask} (q, h, f, then the index). */
    private static String layerNames(int mask) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < MAX_LAYERS; i++) {
            if ((mask & (1 << i)) != 0) {
                b.append(b.length() > 0 ? "," : "").append(i < 3 ? "qhf".charAt(i) : (char) ('0' + i));
            }
        }
        return b.toString();
    }

    /** Fills a reception report block for {@code layer}; false when nothing was received on it. */
    boolean fillReportBlock(int layer, ReportBlock rb, long nowMs) {
        ReceiveStats s = stats[layer];
        if (s == null || !s.started()) {
            return false;
        }
        s.fillReportBlock(rb, nowMs);
        return true;
    }

    /**
     * The publisher's sender report for {@code layer} (RFC 3550 6.4.1): LSR/DLSR in our reports, and the
     * layer's NTP <-> RTP timestamp pair for layer switches ({@link #timestampOffset}).
     */
    void onSenderReport(int layer, long ntp, long rtpTs, long nowMs) {
        if (stats[layer] != null) {
            stats[layer].onSenderReport(ntp, nowMs);
            clocks.onSenderReport(layer, ntp, rtpTs);
        }
    }

    /**
     * What to add (mod 2^32) to a timestamp of layer {@code to} to put it on layer {@code from}'s timeline,
     * from both layers' sender reports; {@link LayerClocks#NONE} when either has sent none.
     */
    long timestampOffset(int from, int to) {
        return clocks.offset(from, to, codec.clockRate());
    }

    /**
     * Sequence numbers of {@code layer} to NACK now (16-bit, oldest first); returns how many. Only video
     * layers that a subscriber or a tap forwards are repaired: nobody would use the others' repairs.
     */
    int collectNacks(int layer, long nowMs, long rttMs, int[] out) {
        return nacks[layer] == null || !forwarded(layer) ? 0 : nacks[layer].collect(nowMs, rttMs, out);
    }

    private boolean forwarded(int layer) {
        if (!video || taps.length > 0 && tapLayer.current() == layer) {
            return true;
        }
        for (int i = 0, n = downs.size(); i < n; i++) {
            if (downs.get(i).currentLayer() == layer) {
                return true;
            }
        }
        return false;
    }

    /** Bits per second layer {@code layer} carried over the last second. */
    long layerBps(int layer, long nowNanos) {
        return bitrates.bps(layer, nowNanos);
    }

    int layerSsrc(int layer) {
        return layerSsrc[layer];
    }

    /**
     * A retransmission (an unwrapped RTX packet, RFC 4588) of {@code layer}: handled like any packet
     * when it repairs a gap. Copies the ring already holds are dropped here:
     * Chrome also sends recent packets again over RTX as bandwidth probes, and an old keyframe packet
     * must not start a new subscriber behind the live edge.
     */
    void onRepair(RtpPacket p, int layer, long nowNanos, byte[] scratch) {
        if (!layerKnown[layer] || ring(layer).find(seq[layer].peek(p.sequence())) >= 0) {
            return;
        }
        onRtp(p, layer, nowNanos, scratch, true);
    }

    /**
     * Asks the publisher for a key frame on {@code layer} (every known layer when -1), at most once per
     * {@link #PLI_INTERVAL_NANOS} per layer however many subscribers ask.
     */
    void requestKeyframe(int layer, long nowNanos) {
        if (!video) {
            return;
        }
        for (int i = 0; i < MAX_LAYERS; i++) {
            if (layerKnown[i] && (layer < 0 || layer == i)
                    && (layerPliNanos[i] == Long.MIN_VALUE || nowNanos - layerPliNanos[i] >= PLI_INTERVAL_NANOS)) {
                layerPliNanos[i] = nowNanos;
                publisher.sendPli(layerSsrc[i]);
            }
        }
    }

    void addTap(RtpTap tap) {
        RtpTap[] n = java.util.Arrays.copyOf(taps, taps.length + 1);
        n[taps.length] = tap;
        taps = n;
    }

    /** Detaches {@code tap} (by identity); false when it was not attached. */
    boolean removeTap(RtpTap tap) {
        RtpTap[] ts = taps;
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == tap) {
                RtpTap[] n = new RtpTap[ts.length - 1];
                System.arraycopy(ts, 0, n, 0, i);
                System.arraycopy(ts, i + 1, n, i, ts.length - i - 1);
                taps = n.length == 0 ? NO_TAPS : n;
                return true;
            }
        }
        return false;
    }

    int tapCount() {
        return taps.length;
    }

    void setMuted(boolean m, long nowNanos) {
        if (muted && !m) {
            activity.reset(); // as LiveKit un-pauses its trackers: every layer counts again from its first packet
        }
        muted = m;
        for (RtpTap t : taps) {
            t.onMute(m, nowNanos);
        }
    }

    void close(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        RtpTap[] ts = taps;
        taps = NO_TAPS;
        for (RtpTap t : ts) {
            t.onClose(nowNanos);
        }
        for (DownTrack d : List.copyOf(downs)) {
            d.session.removeDownTrack(d.trackSid);
        }
        downs.clear();
    }
}
