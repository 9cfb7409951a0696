package org.jsfu.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** Decodes an Ogg Opus file with ffmpeg (pre-skip applied) and measures it in 10 ms windows. */
final class AudioAnalysis {
    static final int RATE = 48_000;
    static final int WIN = 480;
    final short[] pcm;

    private AudioAnalysis(short[] pcm) {
        this.pcm = pcm;
    }

    static AudioAnalysis decode(Path ogg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", ogg.toString(), "-f", "s16le", "-ac", "1",
                "-ar", "48000", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed on " + ogg);
        }
        byte[] b = out.toByteArray();
        short[] s = new short[b.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8));
        }
        return new AudioAnalysis(s);
    }

    double seconds() {
        return pcm.length / (double) RATE;
    }

    /** RMS (full scale 1.0) of [from, from+len) samples. */
    double rms(int from, int len) {
        double sum = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(pcm.length, from + len); i++) {
            double v = pcm[i] / 32768.0;
            sum += v * v;
            n++;
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    /** Frequency from zero crossings over [fromSec, toSec). */
    double frequency(double fromSec, double toSec) {
        int a = (int) (fromSec * RATE);
        int b = Math.min(pcm.length, (int) (toSec * RATE));
        int crossings = 0;
        for (int i = a + 1; i < b; i++) {
            if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((b - a) / (double) RATE);
    }

    boolean loud(int window) {
        return rms(window * WIN, WIN) > 0.02;
    }

    /** Start (s) of the first 10 ms window at or after {@code fromSec} whose loudness is {@code loud}, held 50 ms. */
    double firstEdge(double fromSec, boolean loud) {
        int w0 = (int) (fromSec * RATE / WIN);
        int n = pcm.length / WIN;
        for (int w = w0; w + 5 <= n; w++) {
            boolean all = true;
            for (int k = 0; k < 5; k++) {
                if (loud(w + k) != loud) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return w * WIN / (double) RATE;
            }
        }
        return -1;
    }

    /** The last sample (s) louder than 1 % full scale at or before {@code sec} + 20 ms (a tone's end). */
    double lastLoudBefore(double sec) {
        for (int i = Math.min(pcm.length - 1, (int) ((sec + 0.02) * RATE)); i >= 0; i--) {
            if (Math.abs(pcm[i]) > 328) {
                return i / (double) RATE;
            }
        }
        return -1;
    }

    /** The first sample (s) louder than 1 % full scale at or after {@code sec} − 20 ms (a tone's start). */
    double firstLoudAfter(double sec) {
        for (int i = Math.max(0, (int) ((sec - 0.02) * RATE)); i < pcm.length; i++) {
            if (Math.abs(pcm[i]) > 328) {
                return i / (double) RATE;
            }
        }
        return -1;
    }
}
