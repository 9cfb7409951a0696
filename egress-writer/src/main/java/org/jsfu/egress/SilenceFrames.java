package org.jsfu.egress;

/**
 * Opus packets that decode to digital silence, used to fill gaps (DTX, loss, mute) in the timeline.
 *
 * <p>Each is a CELT-only full-band packet, code 0 (one frame), RFC 6716 section 3.1, whose range-coded
 * payload {@code FF FE} decodes the CELT "silence" flag as set (RFC 6716 section 4.3, table 56), so the
 * decoder outputs zeros (after the fade-out of the previous frame's overlap). This is the well-known
 * 3-byte Opus silence frame; a TOC-only 0-byte frame is avoided because decoders treat it as a lost frame
 * and run packet-loss concealment instead of producing silence. Verified in tests by decoding with
 * concentus and with ffmpeg.
 */
public final class SilenceFrames {
    private final byte[] f20;
    private final byte[] f10;
    private final byte[] f5;
    private final byte[] f2_5;

    /** @param stereo sets the TOC stereo bit (matches a 2-channel OpusHead) */
    public SilenceFrames(boolean stereo) {
        int s = stereo ? 0x04 : 0;
        f20 = frame(31, s);
        f10 = frame(30, s);
        f5 = frame(29, s);
        f2_5 = frame(28, s);
    }

    private static byte[] frame(int config, int stereoBit) {
        return new byte[] {(byte) (config << 3 | stereoBit), (byte) 0xFF, (byte) 0xFE};
    }

    /** The largest silence frame not longer than {@code samples} (48 kHz), or null below 2.5 ms. */
    public byte[] largestFitting(long samples) {
        if (samples >= 960) return f20;
        if (samples >= 480) return f10;
        if (samples >= 240) return f5;
        if (samples >= 120) return f2_5;
        return null;
    }

    /** The 20 ms silence frame. */
    public byte[] frame20ms() {
        return f20;
    }
}
