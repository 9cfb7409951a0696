package org.jsfu.core.sdp;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the publisher answer accepts.
 *
 * @param videoCodecs    video encoding names in preference order (e.g. VP8, H264, VP9, AV1); H264 is only
 *                       accepted with packetization-mode=1 and profile 42e01f/42001f, VP9 only profile 0
 * @param allowRed       accept audio/red (RFC 2198) ahead of opus when offered; false -> plain opus
 * @param dtx            append {@code usedtx=1} to the answered opus fmtp (unless the track's cid is in noDtxCids)
 * @param noDtxCids      track cids (second msid token) published with TF_NO_DTX
 * @param stereoCids     track cids published with TF_STEREO: {@code stereo=1;maxaveragebitrate=510000}
 * @param remb           also answer {@code goog-remb} for video
 * @param videoCodecByCid track cid -> the video codec its AddTrackRequest asked for (e.g. "h264"): that
 *                       codec is chosen for the track's m-line when offered and acceptable, ahead of
 *                       {@code videoCodecs} (what LiveKit does with SimulcastCodec.codec)
 */
public record CodecPolicy(List<String> videoCodecs, boolean allowRed, boolean dtx, Set<String> noDtxCids,
                          Set<String> stereoCids, boolean remb, Map<String, String> videoCodecByCid) {
    public CodecPolicy {
        videoCodecs = List.copyOf(videoCodecs);
        noDtxCids = Set.copyOf(noDtxCids);
        stereoCids = Set.copyOf(stereoCids);
        videoCodecByCid = Map.copyOf(videoCodecByCid);
    }

    public CodecPolicy(List<String> videoCodecs, boolean allowRed, boolean dtx, Set<String> noDtxCids,
                       Set<String> stereoCids, boolean remb) {
        this(videoCodecs, allowRed, dtx, noDtxCids, stereoCids, remb, Map.of());
    }

    /** The video codecs to try for track {@code cid}, in order: its requested codec first. */
    public List<String> videoCodecsFor(String cid) {
        String wanted = cid == null ? null : videoCodecByCid.get(cid);
        if (wanted == null || wanted.isEmpty()) {
            return videoCodecs;
        }
        List<String> out = new java.util.ArrayList<>();
        for (String c : videoCodecs) {
            if (c.equalsIgnoreCase(wanted)) {
                out.add(c);
            }
        }
        for (String c : videoCodecs) {
            if (!c.equalsIgnoreCase(wanted)) {
                out.add(c);
            }
        }
        return out;
    }

    public CodecPolicy withRequestedVideoCodecs(Map<String, String> byCid) {
        return new CodecPolicy(videoCodecs, allowRed, dtx, noDtxCids, stereoCids, remb, byCid);
    }

    /** VP8, H264, VP9, AV1; no RED; DTX on; no stereo; transport-cc instead of REMB. */
    public static CodecPolicy defaults() {
        return new CodecPolicy(List.of("VP8", "H264", "VP9", "AV1"), false, true, Set.of(), Set.of(), false);
    }

    public CodecPolicy withAudioFeatures(Set<String> noDtx, Set<String> stereo) {
        return new CodecPolicy(videoCodecs, allowRed, dtx, noDtx, stereo, remb, videoCodecByCid);
    }

    public CodecPolicy withVideoCodecs(List<String> codecs) {
        return new CodecPolicy(codecs, allowRed, dtx, noDtxCids, stereoCids, remb, videoCodecByCid);
    }

    public CodecPolicy withRed(boolean red) {
        return new CodecPolicy(videoCodecs, red, dtx, noDtxCids, stereoCids, remb, videoCodecByCid);
    }
}
