package org.jsfu.ogg;

/** Opus packet duration from its TOC byte and frame count, RFC 6716 section 3.1 and 3.2. */
public final class OpusToc {
    private OpusToc() {}

    /** Samples at 48 kHz of one frame for a TOC configuration number 0..31 (RFC 6716 table 2). */
    public static int frameSamples48k(int config) {
        if (config < 12) return new int[] {480, 960, 1920, 2880}[config & 3]; // SILK-only 10/20/40/60 ms
        if (config < 16) return (config & 1) == 0 ? 480 : 960; // Hybrid 10/20 ms
        return 120 << (config & 3); // CELT-only 2.5/5/10/20 ms
    }

    /**
     * Number of 48 kHz samples in the packet, or -1 when the packet is malformed (empty, code 3 without
     * its frame-count byte, zero frames, or more than 120 ms, RFC 6716 section 3.2.5).
     */
    public static int packetSamples48k(byte[] b, int off, int len) {
        if (len < 1) return -1;
        int toc = b[off] & 0xff;
        int frames;
        switch (toc & 3) {
            case 0: frames = 1; break;
            case 1: case 2: frames = 2; break;
            default:
                if (len < 2) return -1;
                frames = b[off + 1] & 0x3f;
                if (frames == 0) return -1;
        }
        int samples = frames * frameSamples48k(toc >>> 3);
        return samples > 5760 ? -1 : samples;
    }
}
