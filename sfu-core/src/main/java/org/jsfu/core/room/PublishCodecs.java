package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The codecs this server accepts from publishers: livekit.yaml {@code room.enabled_codecs} restricted to
 * what the media plane forwards ({@link #FORWARDED}), in LiveKit's order (VP8, then H264, then other video,
 * then audio; LiveKit looks for fallbacks in this order). Immutable.
 *
 * <p>{@link #trackCodecs} turns an AddTrackRequest's simulcast_codecs into the TrackInfo codecs the server
 * answers with: a codec that is not enabled is replaced by the first enabled video (or audio) codec, VP8
 * (or opus) when none is, duplicates are dropped, so livekit-client falls back to the codec named first.
 */
public final class PublishCodecs {
    /** The MIME types the media plane forwards; a publisher answer accepts no other codec. */
    public static final List<String> FORWARDED = List.of("video/VP8", "video/H264", "audio/opus", "audio/red");
    private static final List<String> KNOWN = List.of("video/VP8", "video/H264", "video/VP9", "video/AV1",
            "video/H265", "audio/opus", "audio/red", "audio/PCMU", "audio/PCMA", "audio/G722");
    private static final PublishCodecs DEFAULTS = of(List.of(
            new Enabled("audio/opus", ""), new Enabled("audio/red", ""), new Enabled("video/VP8", ""),
            new Enabled("video/H264", ""), new Enabled("video/VP9", ""), new Enabled("video/AV1", "")));

    /** One entry of room.enabled_codecs; an entry with an fmtp line enables only that profile. */
    public record Enabled(String mime, String fmtpLine) {
        public Enabled {
            fmtpLine = fmtpLine == null ? "" : fmtpLine;
        }
    }

    private final List<Enabled> enabled;

    private PublishCodecs(List<Enabled> enabled) {
        this.enabled = List.copyOf(enabled);
    }

    /** From room.enabled_codecs; entries the media plane cannot forward (e.g. VP9, AV1, PCMU) are left out. */
    public static PublishCodecs of(List<Enabled> configured) {
        List<Enabled> video = new ArrayList<>();
        List<Enabled> audio = new ArrayList<>();
        for (Enabled e : configured) {
            String mime = canonicalMime(e.mime(), null);
            if (!FORWARDED.contains(mime)) {
                continue;
            }
            (mime.startsWith("video/") ? video : audio).add(new Enabled(mime, e.fmtpLine()));
        }
        video.sort(Comparator.comparingInt(e -> e.mime().equals("video/VP8") ? 0 : e.mime().equals("video/H264") ? 1 : 2));
        List<Enabled> all = new ArrayList<>(video);
        all.addAll(audio);
        return new PublishCodecs(all);
    }

    /** LiveKit's default enabled codecs, restricted to the forwarded ones: VP8, H264, opus, red. */
    public static PublishCodecs defaults() {
        return DEFAULTS;
    }

    /** The enabled entries in fallback order. */
    public List<Enabled> entries() {
        return enabled;
    }

    /** Encoding names of the enabled video codecs in preference order, for the publisher answer (e.g. VP8, H264). */
    public List<String> videoCodecNames() {
        List<String> out = new ArrayList<>();
        for (Enabled e : enabled) {
            String name = e.mime().substring(e.mime().indexOf('/') + 1);
            if (e.mime().startsWith("video/") && !out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Whether a codec may be published, by MIME type alone: an entry restricted to an fmtp line does not
     * count (LiveKit matches an AddTrackRequest codec, which has no fmtp, the same way).
     */
    public boolean isEnabled(String mime) {
        for (Enabled e : enabled) {
            if (e.mime().equalsIgnoreCase(mime) && e.fmtpLine().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The fallback for a video codec that is not enabled: the first enabled video codec, else VP8. */
    public String alternativeVideo() {
        return alternative("video/", "video/VP8");
    }

    /** The fallback for an audio codec that is not enabled: the first enabled audio codec, else opus. */
    public String alternativeAudio() {
        return alternative("audio/", "audio/opus");
    }

    private String alternative(String prefix, String otherwise) {
        for (Enabled e : enabled) {
            if (e.mime().startsWith(prefix)) {
                return e.mime();
            }
        }
        return otherwise;
    }

    /**
     * "vp9", "VP9" or "video/vp9" -> "video/VP9" (LiveKit's spelling); a name without a type prefix gets
     * the track's ({@code type} null: left as given). Unknown codecs keep their name.
     */
    public static String canonicalMime(String codec, TrackType type) {
        String c = codec == null ? "" : codec.trim();
        if (c.isEmpty()) {
            return "";
        }
        if (c.indexOf('/') < 0 && type != null) {
            c = (type == TrackType.VIDEO ? "video/" : "audio/") + c;
        }
        for (String k : KNOWN) {
            if (k.equalsIgnoreCase(c)) {
                return k;
            }
        }
        int slash = c.indexOf('/');
        return slash < 0 ? c : c.substring(0, slash).toLowerCase(Locale.ROOT) + c.substring(slash);
    }

    private static String codecName(String codecOrMime) {
        String c = codecOrMime == null ? "" : codecOrMime;
        return c.substring(c.indexOf('/') + 1);
    }

    /**
     * The TrackInfo codecs for an AddTrackRequest, as LiveKit fills them: without simulcast_codecs one entry
     * with no MIME type (known once negotiated), the client's cid and the request's layers; otherwise one
     * entry per requested codec, a codec that is not enabled replaced by {@link #alternativeVideo()} /
     * {@link #alternativeAudio()}, duplicates and empty names dropped, each with its own layers when the
     * request gave them, else the request's layers, sorted by quality.
     */
    public List<TrackCodec> trackCodecs(AddTrack req) {
        List<VideoLayer> common = byQuality(req.layers());
        List<TrackCodec> out = new ArrayList<>();
        if (req.simulcastCodecs().isEmpty()) {
            out.add(new TrackCodec("", "", req.cid(), common, TrackCodec.ONE_SPATIAL_LAYER_PER_STREAM));
            return out;
        }
        List<String> seen = new ArrayList<>();
        for (SimulcastCodec sc : req.simulcastCodecs()) {
            String mime = canonicalMime(sc.codec(), req.type());
            int mode = sc.videoLayerMode();
            if (req.type() == TrackType.VIDEO) {
                if (!mime.startsWith("video/") || !isEnabled(mime)) { // LiveKit: "audio/opus" -> "video/audio/opus"
                    mime = alternativeVideo();
                }
                if (mode == 0) {
                    mode = svcCapable(mime) ? TrackCodec.MULTIPLE_SPATIAL_LAYERS_PER_STREAM
                            : TrackCodec.ONE_SPATIAL_LAYER_PER_STREAM;
                }
            } else if (!mime.startsWith("audio/") || !isEnabled(mime)) {
                mime = alternativeAudio();
            }
            if (mime.isEmpty() || seen.contains(mime)) {
                continue;
            }
            seen.add(mime);
            out.add(new TrackCodec(mime, "", sc.cid(), layersFor(mime, req, common), mode));
        }
        return out;
    }

    private static List<VideoLayer> layersFor(String mime, AddTrack req, List<VideoLayer> common) {
        for (SimulcastCodec sc : req.simulcastCodecs()) {
            if (codecName(sc.codec()).equalsIgnoreCase(codecName(mime))) {
                return sc.layers().isEmpty() ? common : byQuality(sc.layers());
            }
        }
        return common; // a fallback codec the request did not list
    }

    static boolean svcCapable(String mime) {
        return "video/VP9".equals(mime) || "video/AV1".equals(mime);
    }

    private static List<VideoLayer> byQuality(List<VideoLayer> layers) {
        List<VideoLayer> sorted = new ArrayList<>(layers);
        sorted.sort(Comparator.comparingInt(VideoLayer::quality));
        return sorted;
    }
}
