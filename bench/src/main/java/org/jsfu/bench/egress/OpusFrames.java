package org.jsfu.bench.egress;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;

/**
 * Real Opus packets to replay: a 440 Hz tone with a slow envelope (mono, 20 ms, 32 kbit/s constrained VBR,
 * application AUDIO: 76-87 byte payloads, inside the 60-100 bytes a browser's voice packets have; the VOIP
 * application gave 41-104) encoded once with concentus, and the 1-byte DTX packet (TOC only, code 0 with a 0-byte frame,
 * RFC 6716 section 3.2.1) that libopus sends every 400 ms during silence.
 */
public final class OpusFrames {
    private final byte[][] tone;
    private final byte[] dtx;

    private OpusFrames(byte[][] tone, byte[] dtx) {
        this.tone = tone;
        this.dtx = dtx;
    }

    /** Encodes {@code count} consecutive 20 ms frames (the loop point is a phase jump, audible but valid). */
    public static OpusFrames encode(int count) throws OpusException {
        OpusEncoder enc = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        enc.setBitrate(32000);
        enc.setUseConstrainedVBR(true);
        short[] pcm = new short[960];
        byte[] out = new byte[1500];
        byte[][] frames = new byte[count][];
        long phase = 0;
        for (int f = 0; f < count; f++) {
            for (int i = 0; i < 960; i++, phase++) {
                // a tone with a slow amplitude envelope, so VBR sizes vary like speech
                double env = 0.8 + 0.2 * Math.sin(2 * Math.PI * phase / (48000.0 * 1.7));
                pcm[i] = (short) (12000 * env * Math.sin(2 * Math.PI * 440 * phase / 48000.0));
            }
            int n = enc.encode(pcm, 0, 960, out, 0, out.length);
            frames[f] = Arrays.copyOf(out, n);
        }
        byte[] dtx = {(byte) (frames[frames.length - 1][0] & 0xFC)}; // same config and stereo bit, code 0
        return new OpusFrames(frames, dtx);
    }

    public byte[] tone(long i) { return tone[(int) Math.floorMod(i, (long) tone.length)]; }

    public byte[] dtx() { return dtx; }

    public int count() { return tone.length; }

    public int minSize() { return Arrays.stream(tone).mapToInt(b -> b.length).min().orElse(0); }

    public int maxSize() { return Arrays.stream(tone).mapToInt(b -> b.length).max().orElse(0); }

    public double meanSize() { return Arrays.stream(tone).mapToInt(b -> b.length).average().orElse(0); }
}
