package org.jsfu.bench.egress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsfu.egress.TrackRecorder;
import org.jsfu.ogg.OggOpusReader;
import org.jsfu.ogg.OpusToc;

/**
 * Checks one recorded file: a valid Ogg Opus stream (every page's CRC, sequence, BOS/EOS, headers; the
 * repo's {@link OggOpusReader}), its playable duration against what was fed, and that every packet the
 * feeder sent (tone and DTX) is in it, byte for byte in count (gaps are 3-byte silence frames).
 */
public final class RecordingCheck {
    private static final double TOLERANCE_SEC = 0.100;

    /** Outcome for one file; {@code error} null when valid. */
    public record Result(Path file, long bytes, double durationSec, double expectedSec, double firstAudioSec,
                         double expectedFirstAudioSec, long audioPackets, long expectedPackets, String error) {
        public boolean ok() { return error == null; }
    }

    private RecordingCheck() {}

    /**
     * @param expectedSec the fed duration plus the padding before the first sample (file start = whole second)
     * @param firstAudioSec where the first fed sample must play in the file (its capture time minus the
     *                      file's start time)
     * @param sentPackets packets the feeder posted for this track (lost ones excluded)
     */
    public static Result check(Path file, double expectedSec, double firstAudioSec, long sentPackets) {
        long bytes = -1;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            bytes = Files.size(file);
            OggOpusReader.OggOpusFile f = OggOpusReader.read(in);
            double dur = f.durationSeconds();
            long real = 0;
            long before = 0; // samples before the first fed packet
            for (OggOpusReader.Packet p : f.audioPackets()) {
                byte[] d = p.data();
                boolean silence = d.length == 3 && (d[1] & 0xff) == 0xFF && (d[2] & 0xff) == 0xFE;
                if (!silence) real++;
                if (real == 0) before += OpusToc.packetSamples48k(d, 0, d.length);
            }
            // the first fed sample decodes after the encoder lookahead the browser's packets carry
            double first = (before + TrackRecorder.ENCODER_LOOKAHEAD - f.preSkip()) / 48000.0;
            String err = null;
            if (Math.abs(dur - expectedSec) > TOLERANCE_SEC) {
                err = String.format("duration %.3f s, expected %.3f s", dur, expectedSec);
            } else if (Math.abs(first - firstAudioSec) > TOLERANCE_SEC) {
                err = String.format("first audio at %.3f s, expected %.3f s", first, firstAudioSec);
            } else if (real != sentPackets) {
                err = "audio packets " + real + ", sent " + sentPackets;
            }
            return new Result(file, bytes, dur, expectedSec, first, firstAudioSec, real, sentPackets, err);
        } catch (IOException | RuntimeException e) {
            return new Result(file, bytes, 0, expectedSec, 0, firstAudioSec, 0, sentPackets, "invalid Ogg: " + e.getMessage());
        }
    }

    /** Runs {@code opusinfo} on {@code file}; returns null when it exits 0 without a warning, else why not. */
    public static String opusinfo(Path file) {
        try {
            Process p = new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroy();
                return "opusinfo timed out";
            }
            if (p.exitValue() != 0) return "opusinfo exit " + p.exitValue() + ": " + out;
            if (out.toLowerCase().contains("warning")) return "opusinfo warning: " + out;
            if (!out.contains("Playback length")) return "opusinfo: no playback length: " + out;
            return null;
        } catch (IOException e) {
            return "opusinfo not runnable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The "Playback length" line of opusinfo's output, for the report. */
    public static String playbackLength(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        p.waitFor(30, TimeUnit.SECONDS);
        return lines.stream().filter(l -> l.contains("Playback length")).findFirst().orElse("?").trim();
    }
}
