package org.jsfu.core.media;

import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.rtp.Rtx;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;

/**
 * The RTX streams (RFC 4588) of one publisher PC: each RTX SSRC with the primary SSRC it repairs, and
 * the rebuilding of original packets into a reused view. On the room's loop; no allocation per packet.
 */
final class RtxStreams {
    private final int[] keys;
    private final int[] primaries;
    private int count;
    private final RtpPacket view = new RtpPacket();
    private final byte[] buf = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];

    RtxStreams(int capacity) {
        keys = new int[capacity];
        primaries = new int[capacity];
    }

    /** Index of RTX SSRC {@code ssrc}, or -1. */
    int indexOf(int ssrc) {
        for (int i = 0; i < count; i++) {
            if (keys[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    int primary(int i) {
        return primaries[i];
    }

    /** Adds a mapping; returns its index, or -1 when full. */
    int add(int rtxSsrc, int primarySsrc) {
        if (count >= keys.length) {
            return -1;
        }
        keys[count] = rtxSsrc;
        primaries[count] = primarySsrc;
        return count++;
    }

    /** Drops the mappings whose primary is not among {@code ssrcs[0..n)} any more. */
    void retainPrimaries(int[] ssrcs, int n) {
        int k = 0;
        for (int r = 0; r < count; r++) {
            boolean kept = false;
            for (int i = 0; i < n && !kept; i++) {
                kept = ssrcs[i] == primaries[r];
            }
            if (kept) {
                keys[k] = keys[r];
                primaries[k] = primaries[r];
                k++;
            }
        }
        count = k;
    }

    /**
     * The original of RTX packet {@code rtx} (RFC 4588 4: OSN, primary SSRC, payload type {@code pt}) in
     * a view that the next call reuses, or null for a padding-only probe.
     */
    RtpPacket unwrap(RtpPacket rtx, int primarySsrc, int pt) {
        int len = Rtx.unwrap(rtx, primarySsrc, pt, buf);
        return len > 0 && view.wrap(buf, 0, len) ? view : null;
    }
}
