package org.jsfu.ogg;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Ogg Opus file writer, RFC 7845.
 *
 * <p>The constructor writes the identification header (OpusHead, section 5.1) alone on the BOS page and
 * the comment header (OpusTags, section 5.2) on the next page, both flushed, so audio starts on a fresh
 * page (section 3). Audio packets are copied unchanged; several go on one page, and a page is written
 * once it holds {@code pageSamples} of audio (default 1 s) so a crash loses at most about that much, or
 * when its 255 lacing values are used up. The granule position of a page is the number of 48 kHz samples
 * decoded up to the end of the last packet completed on it, pre-skip included (section 4). The last page
 * carries EOS and may trim the end of the last packet (section 4.4). Not thread-safe.
 */
public final class OggOpusWriter implements Closeable {
    public static final String VENDOR = "jsfu";
    /** Pre-skip used by libopus-based encoders at 48 kHz (encoder lookahead, 6.5 ms). */
    public static final int DEFAULT_PRE_SKIP = 312;

    private final OutputStream out;
    private final OggPageWriter pages;
    private final int channels;
    private final int preSkip;
    private final long pageSamples;
    private long granule;
    private long pageStartGranule;
    private long packets;
    private long lastPacketSamples;
    private boolean finished;

    public OggOpusWriter(OutputStream out, int channels, int preSkip, int serial) throws IOException {
        this(out, channels, preSkip, serial, 48_000);
    }

    /**
     * @param channels output channel count for OpusHead, 1 or 2 (mapping family 0)
     * @param preSkip samples at 48 kHz to discard at the start of decoding (0..65535)
     * @param pageSamples audio per page before a page is written automatically
     */
    public OggOpusWriter(OutputStream out, int channels, int preSkip, int serial, long pageSamples)
            throws IOException {
        if (channels != 1 && channels != 2) throw new IllegalArgumentException("channels must be 1 or 2");
        if (preSkip < 0 || preSkip > 0xffff) throw new IllegalArgumentException("preSkip out of range");
        if (pageSamples <= 0) throw new IllegalArgumentException("pageSamples must be positive");
        this.out = out;
        this.pages = new OggPageWriter(out, serial);
        this.channels = channels;
        this.preSkip = preSkip;
        this.pageSamples = pageSamples;
        byte[] head = opusHead(channels, preSkip);
        pages.addPacket(head, 0, head.length, 0);
        pages.flushPage();
        byte[] tags = opusTags(VENDOR);
        pages.addPacket(tags, 0, tags.length, 0);
        pages.flushPage();
        out.flush();
        // granule counts every decoded sample from 0, pre-skip included (section 4)
    }

    /** RFC 7845 section 5.1: 19-byte identification header, mapping family 0. */
    static byte[] opusHead(int channels, int preSkip) {
        byte[] h = new byte[19];
        byte[] magic = "OpusHead".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 0, 8);
        h[8] = 1; // version
        h[9] = (byte) channels;
        h[10] = (byte) preSkip;
        h[11] = (byte) (preSkip >>> 8);
        OggPageWriter.putLe32(h, 12, 48_000); // input sample rate (informational)
        h[16] = 0; // output gain Q7.8, little endian
        h[17] = 0;
        h[18] = 0; // channel mapping family 0: mono or stereo, no table
        return h;
    }

    /** RFC 7845 section 5.2: vendor string and zero user comments. */
    static byte[] opusTags(String vendor) {
        byte[] v = vendor.getBytes(StandardCharsets.UTF_8);
        byte[] t = new byte[8 + 4 + v.length + 4];
        System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, t, 0, 8);
        OggPageWriter.putLe32(t, 8, v.length);
        System.arraycopy(v, 0, t, 12, v.length);
        OggPageWriter.putLe32(t, 12 + v.length, 0);
        return t;
    }

    /**
     * Appends one Opus packet; its duration comes from its TOC (RFC 6716 section 3.1).
     *
     * @return the packet's duration in 48 kHz samples
     * @throws IllegalArgumentException when the packet is not a valid Opus packet
     */
    public int writePacket(byte[] opus, int off, int len) throws IOException {
        int samples = OpusToc.packetSamples48k(opus, off, len);
        if (samples < 0) throw new IllegalArgumentException("malformed opus packet");
        writePacket(opus, off, len, granule + samples);
        return samples;
    }

    /** Appends one Opus packet whose end is at {@code granuleAfter} (samples, pre-skip included). */
    public void writePacket(byte[] opus, int off, int len, long granuleAfter) throws IOException {
        if (finished) throw new IllegalStateException("writer finished");
        if (granuleAfter < granule) throw new IllegalArgumentException("granule goes backwards");
        // write the page before adding, so the pending page always ends with the newest packet
        if (granule - pageStartGranule >= pageSamples) {
            pages.flushPage();
            pageStartGranule = granule;
        }
        pages.addPacket(opus, off, len, granuleAfter);
        lastPacketSamples = granuleAfter - granule;
        granule = granuleAfter;
        packets++;
    }

    /** Writes the pending page now and flushes the stream. */
    public void flush() throws IOException {
        if (finished) return;
        pages.flushPage();
        pageStartGranule = granule;
        out.flush();
    }

    /** Ends the stream with an EOS page, without trimming. */
    public void finish() throws IOException {
        finish(0);
    }

    /**
     * Ends the stream with an EOS page. {@code trimSamples} samples at the end of the last packet are
     * discarded by decoders (end trimming, RFC 7845 section 4.4); it is ignored (0) when the last packet
     * is no longer on the pending page or when it exceeds that packet.
     *
     * @return the final granule position
     */
    public long finish(long trimSamples) throws IOException {
        if (finished) return granule;
        // RFC 7845 section 4.4: end trimming applies to the last packet only; trimming more than it holds
        // (e.g. when the caller's end time falls inside an earlier packet) is capped to that packet.
        trimSamples = Math.min(trimSamples, lastPacketSamples - 1);
        if (trimSamples > 0 && pages.pendingPageCompletesPacket() && granule - trimSamples >= pageStartGranule
                && granule - trimSamples >= preSkip) {
            granule -= trimSamples;
            pages.setPendingGranule(granule);
        }
        pages.writeEos();
        out.flush();
        finished = true;
        return granule;
    }

    /** Finishes (EOS) if needed, then closes the output stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    /** Granule position after the last packet written: all decoded samples, pre-skip included. */
    public long granule() {
        return granule;
    }

    /** Playable duration so far in 48 kHz samples: granule minus pre-skip, never negative. */
    public long playableSamples() {
        return Math.max(0, granule - preSkip);
    }

    public int channels() {
        return channels;
    }

    public int preSkip() {
        return preSkip;
    }

    public long packets() {
        return packets;
    }

    public long bytesWritten() {
        return pages.bytesWritten();
    }

    public boolean finished() {
        return finished;
    }
}
