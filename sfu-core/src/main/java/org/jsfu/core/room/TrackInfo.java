package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.List;

/**
 * A published or pending track (livekit.TrackInfo). Immutable; changes produce a new value.
 * {@code cid} is the client's MediaStreamTrack id from AddTrackRequest (the second msid token).
 * {@code mimeType} and {@code mid} are "" until the track's media is negotiated; {@code codecs} are the
 * codecs the server accepts for it (SimulcastCodecInfo, primary first), {@code layers} the simulcast layers
 * of the request, {@code audioFeatures} livekit.AudioTrackFeature numbers (TF_STEREO = 0, TF_NO_DTX = 1, ...),
 * {@code backupCodecPolicy} livekit.BackupCodecPolicy.
 */
public record TrackInfo(String sid, String cid, TrackType type, String name, boolean muted, int width,
                        int height, TrackSource source, String mimeType, String mid, boolean simulcast,
                        boolean disableDtx, boolean stereo, boolean disableRed, String stream,
                        int encryption, long version, List<TrackCodec> codecs, List<VideoLayer> layers,
                        List<Integer> audioFeatures, int backupCodecPolicy) {
    public static final int TF_STEREO = 0;
    public static final int TF_NO_DTX = 1;
    /** livekit.BackupCodecPolicy values. */
    public static final int BACKUP_PREFER_REGRESSION = 0;
    public static final int BACKUP_SIMULCAST = 1;
    public static final int BACKUP_REGRESSION = 2;
    /**
     * Most audio features kept (livekit.AudioTrackFeature has 7 values): a client's absurd list does not
     * grow the track or every ParticipantInfo broadcast with it.
     */
    public static final int MAX_AUDIO_FEATURES = 32;

    public TrackInfo {
        codecs = List.copyOf(codecs);
        layers = List.copyOf(layers);
        audioFeatures = List.copyOf(audioFeatures);
    }

    /** A track without codec, layer or audio feature lists. */
    public TrackInfo(String sid, String cid, TrackType type, String name, boolean muted, int width,
                     int height, TrackSource source, String mimeType, String mid, boolean simulcast,
                     boolean disableDtx, boolean stereo, boolean disableRed, String stream,
                     int encryption, long version) {
        this(sid, cid, type, name, muted, width, height, source, mimeType, mid, simulcast, disableDtx, stereo,
                disableRed, stream, encryption, version, List.of(), List.of(), List.of(), 0);
    }

    public TrackInfo withMuted(boolean m, long v) {
        return new TrackInfo(sid, cid, type, name, m, width, height, source, mimeType, mid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v, codecs, layers, audioFeatures,
                backupCodecPolicy);
    }

    /**
     * The track once its media is negotiated: its MIME type and mid, also on the codec entry of that MIME
     * type (the primary one when none matches, as LiveKit sets its receiver's codec).
     */
    public TrackInfo published(String newMid, String newMime, long v) {
        String m = newMime == null ? mimeType : newMime;
        String d = newMid == null ? mid : newMid;
        List<TrackCodec> cs = new ArrayList<>(codecs);
        int at = -1;
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i).mimeType().equalsIgnoreCase(m)) {
                at = i;
                break;
            }
        }
        if (at < 0 && !cs.isEmpty()) {
            at = 0;
        }
        if (at >= 0) {
            cs.set(at, cs.get(at).negotiated(m, d));
        } else if (m != null && !m.isEmpty()) {
            // a TrackInfo built without codecs still names the negotiated one
            cs.add(new TrackCodec(m, d, cid, layers, TrackCodec.ONE_SPATIAL_LAYER_PER_STREAM));
        }
        return new TrackInfo(sid, cid, type, name, muted, width, height, source, m, d, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v, cs, layers, audioFeatures, backupCodecPolicy);
    }

    /**
     * The SSRC of one simulcast layer, learnt from the media (LiveKit's SetLayerSsrcsForRid): set on the
     * layer of the codec entry of MIME type {@code mime} (the primary when none matches) that has
     * {@code rid}, else, when no layer names a rid, the one of quality {@code quality} (the lowest layer
     * for media without a rid); also on {@link #layers} when that entry is the primary. A layer that already
     * has an SSRC keeps it (as LiveKit). Returns this track when nothing changes.
     */
    public TrackInfo withLayerSsrc(String mime, String rid, int quality, long ssrc) {
        int at = -1;
        for (int i = 0; i < codecs.size() && at < 0; i++) {
            if (codecs.get(i).mimeType().equalsIgnoreCase(mime)) {
                at = i;
            }
        }
        if (at < 0 && codecs.isEmpty()) {
            List<VideoLayer> ls = layerSsrc(layers, rid, quality, ssrc);
            return ls == layers ? this : withLayers(codecs, ls);
        }
        at = Math.max(at, 0);
        List<VideoLayer> ls = layerSsrc(codecs.get(at).layers(), rid, quality, ssrc);
        if (ls == codecs.get(at).layers()) {
            return this;
        }
        List<TrackCodec> cs = new ArrayList<>(codecs);
        cs.set(at, cs.get(at).withLayers(ls));
        return withLayers(cs, at == 0 ? ls : layers);
    }

    /**
     * The RTX SSRC (RFC 4588) of the layer whose SSRC is {@code ssrc}, in every codec entry and in
     * {@link #layers} (LiveKit's setLayerRtxInfo); a known one is kept. Returns this track when nothing changes.
     */
    public TrackInfo withLayerRepairSsrc(long ssrc, long repairSsrc) {
        List<TrackCodec> cs = new ArrayList<>(codecs);
        boolean changed = false;
        for (int i = 0; i < cs.size(); i++) {
            List<VideoLayer> ls = repairSsrc(cs.get(i).layers(), ssrc, repairSsrc);
            if (ls != cs.get(i).layers()) {
                cs.set(i, cs.get(i).withLayers(ls));
                changed = true;
            }
        }
        List<VideoLayer> top = repairSsrc(layers, ssrc, repairSsrc);
        return changed || top != layers ? withLayers(cs, top) : this;
    }

    private static List<VideoLayer> repairSsrc(List<VideoLayer> layers, long ssrc, long repairSsrc) {
        for (int i = 0; i < layers.size(); i++) {
            VideoLayer l = layers.get(i);
            if (ssrc != 0 && l.ssrc() == ssrc && l.repairSsrc() == 0) {
                List<VideoLayer> out = new ArrayList<>(layers);
                out.set(i, l.withRepairSsrc(repairSsrc));
                return out;
            }
        }
        return layers;
    }

    /** {@code layers} with the matching layer's SSRC set, or {@code layers} itself when none changes. */
    private static List<VideoLayer> layerSsrc(List<VideoLayer> layers, String rid, int quality, long ssrc) {
        int match = -1;
        boolean rids = false;
        for (int i = 0; i < layers.size(); i++) {
            String r = layers.get(i).rid();
            rids |= !r.isEmpty();
            if (!r.isEmpty() && r.equals(rid)) {
                match = i;
            }
        }
        if (match < 0 && (rid == null || rid.isEmpty())) {
            match = layers.isEmpty() ? -1 : 0; // one layer without a rid: the lowest (LiveKit: spatial layer 0)
        } else if (match < 0 && !rids) {
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i).quality() == quality) {
                    match = i;
                }
            }
        }
        if (match < 0 || layers.get(match).ssrc() != 0) {
            return layers;
        }
        List<VideoLayer> out = new ArrayList<>(layers);
        out.set(match, layers.get(match).withSsrc(ssrc));
        return out;
    }

    private TrackInfo withLayers(List<TrackCodec> cs, List<VideoLayer> ls) {
        return new TrackInfo(sid, cid, type, name, muted, width, height, source, mimeType, mid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, version, cs, ls, audioFeatures, backupCodecPolicy);
    }

    /**
     * UpdateLocalAudioTrack: the features replace the old ones ({@link #distinctFeatures}); stereo and
     * disable_dtx follow TF_STEREO and TF_NO_DTX.
     */
    public TrackInfo withAudioFeatures(List<Integer> features, long v) {
        List<Integer> f = distinctFeatures(features);
        return new TrackInfo(sid, cid, type, name, muted, width, height, source, mimeType, mid, simulcast,
                f.contains(TF_NO_DTX), f.contains(TF_STEREO), disableRed, stream, encryption, v, codecs, layers, f,
                backupCodecPolicy);
    }

    /**
     * Audio features as LiveKit keeps them (its DedupeSlice: sorted, duplicates dropped), at most
     * {@link #MAX_AUDIO_FEATURES} (the smallest); O(n log n), for a list of any length.
     */
    public static List<Integer> distinctFeatures(List<Integer> features) {
        int[] a = new int[features.size()];
        int n = 0;
        for (Integer x : features) {
            if (x != null) {
                a[n++] = x;
            }
        }
        java.util.Arrays.sort(a, 0, n);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n && out.size() < MAX_AUDIO_FEATURES; i++) {
            if (i == 0 || a[i] != a[i - 1]) {
                out.add(a[i]);
            }
        }
        return out;
    }

    /** UpdateLocalVideoTrack: the published size. */
    public TrackInfo withSize(int w, int h, long v) {
        return new TrackInfo(sid, cid, type, name, muted, w, h, source, mimeType, mid, simulcast,
                disableDtx, stereo, disableRed, stream, encryption, v, codecs, layers, audioFeatures,
                backupCodecPolicy);
    }
}
