package org.jsfu.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes opus-shaped RTP packets for one published audio track (RFC 3550 5.1 header, RFC 8285
 * one-byte header extensions: sdes:mid and RFC 6464 audio level), 20 ms apart (timestamp step 960
 * at 48 kHz). The payload is an opus TOC byte, the 4-byte {@link #MAGIC}, the 8-byte send time
 * ({@code System.nanoTime()}), a flags byte, then filler: 60 to 100 bytes in all, as
 * {@code lk load-test} sends a marker and a timestamp. Not thread-safe; reuses one buffer.
 */
public final class AudioSource {
    public static final int MAGIC = 0x4A534655; // "JSFU"
    /** Offset of the magic in the payload; the send time follows it, then the flags byte. */
    public static final int PAYLOAD_MAGIC_OFFSET = 1;
    public static final int PAYLOAD_TIME_OFFSET = 5;
    public static final int PAYLOAD_FLAGS_OFFSET = 13;
    /** Flag set on packets a test sends as a probe that the server must not forward. */
    public static final int FLAG_PROBE = 1;
    public static final int TIMESTAMP_STEP = 960;

    private final byte[] buf = new byte[1500 + 64];
    private final int ssrc;
    private final byte[] mid;
    private final int midExtId;
    private final int levelExtId;
    /** libwebrtc starts sequence numbers below 2^15 so the SRTP rollover counter stays 0 for a while. */
    private int seq = 1 + ThreadLocalRandom.current().nextInt(0x7FFF);
    private long ts = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    private long sent;

    public AudioSource(int ssrc, String mid, int midExtId, int levelExtId) {
        this.ssrc = ssrc;
        this.mid = mid.getBytes(StandardCharsets.US_ASCII);
        if (this.mid.length < 1 || this.mid.length > 16) {
            throw new IllegalArgumentException("mid length");
        }
        this.midExtId = midExtId;
        this.levelExtId = levelExtId;
    }

    public byte[] buffer() {
        return buf;
    }

    public int ssrc() {
        return ssrc;
    }

    public long sent() {
        return sent;
    }

    /** The sequence number {@link #next} will write. */
    public int nextSequence() {
        return seq;
    }

    /** The RTP timestamp {@link #next} will write. */
    public long nextTimestamp() {
        return ts;
    }

    /** Writes the next packet at offset 0 of {@link #buffer()} and returns its length. */
    public int next(long nowNanos) {
        int payloadLen = 60 + ThreadLocalRandom.current().nextInt(41);
        int n = write(ssrc, seq, ts, payloadLen, nowNanos, 0, true);
        seq = (seq + 1) & 0xFFFF;
        ts = (ts + TIMESTAMP_STEP) & 0xFFFFFFFFL;
        sent++;
        return n;
    }

    /**
     * Writes a packet with explicit fields (tests: foreign SSRCs, probes) without advancing the
     * stream; {@code withMid=false} leaves out the mid extension.
     */
    public int write(int ssrc, int seq, long ts, int payloadLen, long nowNanos, int flags, boolean withMid) {
        byte[] b = buf;
        b[0] = (byte) 0x90;                   // V=2, X=1 (RFC 3550 5.1)
        b[1] = (byte) ClientSdp.OPUS_PT;
        put16(b, 2, seq);
        put32(b, 4, (int) ts);
        put32(b, 8, ssrc);
        // RFC 8285 4.2: 0xBEDE, length in 32-bit words, then id/len-1 elements, zero padded
        int p = 16;
        if (withMid) {
            b[p++] = (byte) (midExtId << 4 | (mid.length - 1));
            System.arraycopy(mid, 0, b, p, mid.length);
            p += mid.length;
        }
        b[p++] = (byte) (levelExtId << 4);    // RFC 6464 3: one byte, V flag + level in -dBov
        b[p++] = (byte) (0x80 | 30);
        while ((p - 16) % 4 != 0) {
            b[p++] = 0;
        }
        put16(b, 12, 0xBEDE);
        put16(b, 14, (p - 16) / 4);
        int payload = p;
        b[p] = (byte) 0x78;                   // opus TOC: config 15 (CELT FB 20 ms), mono, one frame
        put32(b, payload + PAYLOAD_MAGIC_OFFSET, MAGIC);
        put64(b, payload + PAYLOAD_TIME_OFFSET, nowNanos);
        b[payload + PAYLOAD_FLAGS_OFFSET] = (byte) flags;
        for (int i = PAYLOAD_FLAGS_OFFSET + 1; i < payloadLen; i++) {
            b[payload + i] = (byte) (i * 31 + seq);
        }
        return payload + payloadLen;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    static void put64(byte[] b, int o, long v) {
        put32(b, o, (int) (v >>> 32));
        put32(b, o + 4, (int) v);
    }

    static int get32(byte[] b, int o) {
        return (b[o] & 0xFF) << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }

    static long get64(byte[] b, int o) {
        return (long) get32(b, o) << 32 | (get32(b, o + 4) & 0xFFFFFFFFL);
    }
}
