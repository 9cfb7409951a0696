package org.jsfu.core.sdp;

import java.util.List;

/**
 * SSRCs announced in a media section (RFC 5576): primary and rtx from {@code ssrc-group:FID} (or the
 * single a=ssrc when no group), SIM group members, and every SSRC seen. -1 when unknown (rid-based
 * simulcast announces no SSRCs).
 */
public record MediaSsrcs(long primary, long rtx, List<Long> simulcast, List<Long> all) {
    public static final MediaSsrcs NONE = new MediaSsrcs(-1, -1, List.of(), List.of());

    public MediaSsrcs {
        simulcast = List.copyOf(simulcast);
        all = List.copyOf(all);
    }

    public static MediaSsrcs of(MediaSection m) {
        List<Long> all = m.ssrcIds();
        MediaSection.SsrcGroup fid = m.ssrcGroup("FID");
        MediaSection.SsrcGroup sim = m.ssrcGroup("SIM");
        long primary = -1;
        long rtx = -1;
        if (fid != null && fid.ssrcs().size() >= 2) {
            primary = fid.ssrcs().get(0);
            rtx = fid.ssrcs().get(1);
        } else if (sim != null && !sim.ssrcs().isEmpty()) {
            primary = sim.ssrcs().get(0);
        } else if (!all.isEmpty()) {
            primary = all.get(0);
        }
        return new MediaSsrcs(primary, rtx, sim == null ? List.of() : sim.ssrcs(), all);
    }
}
