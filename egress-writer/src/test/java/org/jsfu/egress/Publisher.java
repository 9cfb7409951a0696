package org.jsfu.egress;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;
import java.util.List;

/** Test publisher: encodes a phase-continuous 440 Hz tone (or zeros) with concentus, mono like Chrome. */
final class Publisher {
    private final OpusEncoder enc;
    final int frameSamples;
    private long phase;

    Publisher(int frameSamples) throws OpusException {
        this.enc = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        enc.setBitrate(32000);
        this.frameSamples = frameSamples;
    }

    byte[] next(boolean tone) throws OpusException {
        short[] pcm = new short[frameSamples];
        for (int i = 0; i < frameSamples; i++, phase++) {
            pcm[i] = tone ? (short) (10000 * Math.sin(2 * Math.PI * 440 * phase / 48000.0)) : 0;
        }
        byte[] out = new byte[1500];
        int n = enc.encode(pcm, 0, frameSamples, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    /** Decodes packets in order into channel-0 PCM, dropping {@code preSkip} samples. */
    static short[] decode(List<byte[]> packets, int preSkip, int channels) throws OpusException {
        OpusDecoder dec = new OpusDecoder(48000, channels);
        short[] frame = new short[5760 * channels];
        short[] all = new short[1 << 16];
        int n = 0;
        for (byte[] p : packets) {
            int got = dec.decode(p, 0, p.length, frame, 0, 5760, false);
            if (n + got > all.length) all = Arrays.copyOf(all, Math.max(all.length * 2, n + got));
            for (int i = 0; i < got; i++) all[n++] = frame[i * channels];
        }
        return Arrays.copyOfRange(all, Math.min(preSkip, n), n);
    }

    /** RMS of pcm between seconds a and b. */
    static double rms(short[] pcm, double a, double b) {
        int from = (int) (a * 48000);
        int to = Math.min(pcm.length, (int) (b * 48000));
        double s = 0;
        for (int i = from; i < to; i++) s += (double) pcm[i] * pcm[i];
        return to > from ? Math.sqrt(s / (to - from)) : 0;
    }
}
