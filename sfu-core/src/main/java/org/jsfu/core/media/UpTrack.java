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

/**
 * One published track as the router sees it, on the room's loop. Video may arrive as several
 * simulcast layers (one SSRC each); one layer at a time is forwarded, the best one that is flowing,
 * switched only on a keyframe of the new layer.
 */
public final class UpTrack {
    static final int MAX_LAYERS = 4;
    private static final long LAYER_IDLE_NANOS = 1_500_000_000L;
    private static final long PLI_INTERVAL_NANOS = 500_000_000L;

    final String trackSid;
    final String publisherSid;
    final boolean video;
    final Codec codec;
    final TrackPublisher publisher;
    final int audioLevelExtId;
    final List<DownTrack> downs = new ArrayList<>();
    /**
     * Egress taps, copy-on-write: replaced (never changed in place) by {@link #addTap}/{@link #removeTap},
     * so a tap may detach itself, or another, while the loop iterates a snapshot; no allocation per packet.
     */
    private RtpTap[] taps = NO_TAPS;
    private static final RtpTap[] NO_TAPS = new RtpTap[0];

    // layers, indexed by quality (0 = q/low ... 2 = f/high; audio and non-simulcast video use 0)
    private final int[] layerSsrc = new int[MAX_LAYERS];
    private final boolean[] layerKnown = new boolean[MAX_LAYERS];
    private final long[] layerLastNanos = new long[MAX_LAYERS];
    private final SeqUnwrapper[] seq = new SeqUnwrapper[MAX_LAYERS];
    private final TsUnwrapper[] ts = new TsUnwrapper[MAX_LAYERS];
    /** Per layer reception statistics (RFC 3550 A.1, A.3, A.8) and missing packets to NACK (RFC 4585). */
    private final ReceiveStats[] stats = new ReceiveStats[MAX_LAYERS];
    private final NackGenerator[] nacks = new NackGenerator[MAX_LAYERS];
    private int active = -1;
    private int pendingLayer = -1;
    /** The highest layer any enabled subscriber wants (UpdateTrackSettings); see {@link #updateLayerCap}. */
    private int layerCap = MAX_LAYERS - 1;
    /** The published size (AddTrackRequest width/height): the top layer's, for subscribers' dimensions. */
    private int publishedWidth;
    private int publishedHeight;
    private long lastPliNanos;
    final PacketRing ring;
    private final Vp8Descriptor vp8 = new Vp8Descriptor();
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
        this.ring = new PacketRing(video ? 1024 : 128, 1500);
    }

    /** Registers {@code ssrc} as layer {@code layer}; returns false when the layer index is invalid. */
    boolean addLayer(int layer, int ssrc) {
        if (layer < 0 || layer >= MAX_LAYERS) {
            return false;
        }
        layerSsrc[layer] = ssrc;
        layerKnown[layer] = true;
        stats[layer] = new ReceiveStats(ssrc, codec.clockRate());
        nacks[layer] = new NackGenerator(video ? 512 : 128, 10, 10, 20);
        updateLayerCap();
        return true;
    }

    void setPublishedSize(int width, int height) {
        publishedWidth = width;
        publishedHeight = height;
        updateLayerCap();
    }

    /**
     * Recomputes the layer cap after a subscriber came, went or changed its settings: the highest layer
     * that any enabled subscriber wants (by dimensions when it gave them, else by quality), or the top
     * when nobody says, or when an egress tap records the track (a recording takes the best layer). One
     * layer is forwarded to all subscribers, so none gets less than it asked for.
     */
    void updateLayerCap() {
        if (taps.length > 0) {
            layerCap = MAX_LAYERS - 1;
            return;
        }
        int cap = -1;
        for (int i = 0, n = downs.size(); i < n; i++) {
            DownTrack d = downs.get(i);
            if (!d.disabled) {
                cap = Math.max(cap, d.wantWidth > 0 || d.wantHeight > 0
                        ? layerForSize(d.wantWidth, d.wantHeight) : d.maxQuality);
            }
        }
        layerCap = cap < 0 ? MAX_LAYERS - 1 : Math.min(cap, MAX_LAYERS - 1);
    }

    /**
     * The smallest known layer at least w x h (longer sides compared), each layer below the top taken as
     * half the size of the one above (LiveKit's simulcast ladders q/h/f); the top when none is.
     */
    int layerForSize(int w, int h) {
        int top = -1;
        for (int i = MAX_LAYERS - 1; i >= 0 && top < 0; i--) {
            if (layerKnown[i]) {
                top = i;
            }
        }
        int full = Math.max(publishedWidth, publishedHeight);
        if (top < 0 || full <= 0) {
            return MAX_LAYERS - 1;
        }
        int want = Math.max(w, h);
        for (int i = 0; i < top; i++) {
            if (layerKnown[i] && (full >> (top - i)) >= want) {
                return i;
            }
        }
        return top;
    }

    int layerCap() {
        return layerCap;
    }

    /** True when {@code layer} already belongs to another SSRC. */
    boolean layerTaken(int layer, int ssrc) {
        return layer >= 0 && layer < MAX_LAYERS && layerKnown[layer] && layerSsrc[layer] != ssrc;
    }

    int activeSsrc() {
        return active >= 0 ? layerSsrc[active] : 0;
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

    /** A decrypted packet of layer {@code layer}; forwards it to every subscriber and tap. */
    void onRtp(RtpPacket p, int layer, long nowNanos, byte[] scratch) {
        packets++;
        long extSeq = seq[layer].unwrap(p.sequence());
        long extTs = ts[layer].unwrap(p.timestamp());
        if (stats[layer] != null) {
            stats[layer].onPacket(p.sequence(), p.timestamp(), nowNanos);
            nacks[layer].onPacket(extSeq, nowNanos / 1_000_000);
        }
        layerLastNanos[layer] = nowNanos;
        boolean key = video && p.payloadLength() > 0 && isKeyframe(p);
        chooseLayer(layer, key, nowNanos);
        if (layer != active) {
            return;
        }
        ring.put(extSeq, p.buffer(), p.offset(), p.length());
        if (speaker != null && !muted) {
            int packed = AudioLevel.read(p, audioLevelExtId);
            if (packed >= 0) {
                speaker.observe(AudioLevel.level(packed));
            }
        }
        for (int i = 0, n = downs.size(); i < n; i++) {
            downs.get(i).forward(p, extSeq, key, nowNanos, scratch);
        }
        RtpTap[] ts = taps;
        if (ts.length > 0 && p.payloadLength() > 0) {
            for (RtpTap t : ts) {
                t.onRtp(p.buffer(), p.payloadOffset(), p.payloadLength(), extTs, extSeq, nowNanos);
            }
        }
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

    /** The publisher's sender report for {@code layer}, for LSR/DLSR in our reports (RFC 3550 6.4.1). */
    void onSenderReport(int layer, long ntp, long nowMs) {
        if (stats[layer] != null) {
            stats[layer].onSenderReport(ntp, nowMs);
        }
    }

    /**
     * Sequence numbers of {@code layer} to NACK now (16-bit, oldest first); returns how many. Only the
     * forwarded layer is repaired: a retransmission of another would be dropped.
     */
    int collectNacks(int layer, long nowMs, long rttMs, int[] out) {
        return nacks[layer] == null || layer != active ? 0 : nacks[layer].collect(nowMs, rttMs, out);
    }

    int layerSsrc(int layer) {
        return layerSsrc[layer];
    }

    /**
     * A retransmission (an unwrapped RTX packet, RFC 4588) of {@code layer}: handled like any packet
     * when it repairs a gap of the forwarded layer. Copies the ring already holds are dropped here:
     * Chrome also sends recent packets again over RTX as bandwidth probes, and an old keyframe packet
     * must not start a new subscriber behind the live edge.
     */
    void onRepair(RtpPacket p, int layer, long nowNanos, byte[] scratch) {
        if (layer != active || ring.find(seq[layer].peek(p.sequence())) >= 0) {
            return;
        }
        onRtp(p, layer, nowNanos, scratch);
    }

    /**
     * Layer choice: the highest layer at or below the cap that has sent within the idle window (else the
     * lowest flowing one above it). Moving to another layer waits for a keyframe on it (one is
     * requested), so subscribers never get undecodable frames.
     */
    private void chooseLayer(int layer, boolean key, long nowNanos) {
        if (!video) {
            active = layer;
            return;
        }
        int best = -1;
        for (int i = layerCap; i >= 0 && best < 0; i--) {
            if (flowing(i, nowNanos)) {
                best = i;
            }
        }
        for (int i = layerCap + 1; i < MAX_LAYERS && best < 0; i++) {
            if (flowing(i, nowNanos)) {
                best = i;
            }
        }
        if (best < 0 || best == active) {
            pendingLayer = -1;
            return;
        }
        pendingLayer = best;
        if (layer == best && key) {
            active = best;
            pendingLayer = -1;
            for (DownTrack d : downs) {
                d.switchSource(layerSsrc[best]);
            }
        } else {
            requestKeyframe(nowNanos);
        }
    }

    private boolean flowing(int i, long nowNanos) {
        return layerKnown[i] && layerLastNanos[i] != 0 && nowNanos - layerLastNanos[i] < LAYER_IDLE_NANOS;
    }

    /** Asks the publisher for a keyframe on the layer we forward (or will), throttled. */
    void requestKeyframe(long nowNanos) {
        if (!video || nowNanos - lastPliNanos < PLI_INTERVAL_NANOS) {
            return;
        }
        lastPliNanos = nowNanos;
        int layer = pendingLayer >= 0 ? pendingLayer : active;
        if (layer >= 0) {
            publisher.sendPli(layerSsrc[layer]);
        } else {
            for (int i = 0; i < MAX_LAYERS; i++) {
                if (layerKnown[i]) {
                    publisher.sendPli(layerSsrc[i]);
                }
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
                updateLayerCap(); // a recording no longer holds the top layer
                return true;
            }
        }
        return false;
    }

    int tapCount() {
        return taps.length;
    }

    void setMuted(boolean m, long nowNanos) {
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
