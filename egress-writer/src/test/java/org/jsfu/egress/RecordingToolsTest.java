package org.jsfu.egress;

import static org.jsfu.egress.RecorderSim.MS;
import static org.jsfu.egress.RecorderSim.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording with padding, a gap, a mute and loss is accepted and decoded by opusinfo and FFmpeg. */
class RecordingToolsTest {
    @TempDir Path dir;

    @Test
    void opusinfoFfprobeAndFfmpegAgreeOnTheRecording() throws Exception {
        TrackRecorder.Options o = new TrackRecorder.Options();
        o.padToWholeSecond = true;
        RecorderSim sim = new RecorderSim(o);
        Publisher pub = new Publisher(960);
        sim.add(pub, 50, true, 0, 0, T0, 30 * MS);
        sim.add(pub, 50, true, 3 * 48000, 50, T0 + 3000 * MS, 30 * MS);        // RTP gap of 2 s
        sim.mute(T0 + 4100 * MS, true);
        sim.mute(T0 + 6000 * MS, false);
        sim.add(pub, 50, true, 4 * 48000, 100, T0 + 6000 * MS, 30 * MS);       // no ts jump after mute
        sim.packets.removeIf(p -> p.seq() == 120 || p.seq() == 121);
        long end = T0 + 7500 * MS;
        OggOpusReader.OggOpusFile f = sim.run(end);
        Path file = dir.resolve("rec.ogg");
        Files.write(file, sim.out.toByteArray());
        double playable = (end - sim.rec.fileStartWallClockNanos()) / 1e9;
        assertEquals(playable, f.durationSeconds(), 0.0001);

        String info = ExternalTools.run("opusinfo", file.toString());
        assertFalse(info.contains("WARNING") || info.contains("ERROR"), info);
        assertTrue(info.contains("Pre-skip: " + sim.rec.preSkip()), info);
        Matcher m = Pattern.compile("Playback length: (\\d+)m:([\\d.]+)s").matcher(info);
        assertTrue(m.find(), info);
        assertEquals(playable, Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)), 0.002, info);

        String probe = ExternalTools.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels",
                "-of", "default=nw=1", file.toString());
        assertTrue(probe.contains("codec_name=opus") && probe.contains("channels=2"), probe);

        Path raw = dir.resolve("rec.raw");
        String dec = ExternalTools.run("ffmpeg", "-v", "error", "-xerror", "-i", file.toString(), "-f", "s16le", "-ac", "1",
                "-ar", "48000", raw.toString());
        assertEquals("", dec.trim());
        long samples = Files.size(raw) / 2;
        assertEquals(playable * 48000, samples, 2);
        // FFmpeg's samples put the tone where the recorder says: silence before the first sample, tone after
        byte[] pcm = Files.readAllBytes(raw);
        double first = (sim.rec.firstSampleWallClockNanos() - sim.rec.fileStartWallClockNanos()) / 1e9;
        assertTrue(rms(pcm, 0, first - 0.01) < 50);
        assertTrue(rms(pcm, first + 0.05, first + 0.95) > 3000);
        assertTrue(rms(pcm, first + 1.03, first + 2.98) < 50);
        assertTrue(rms(pcm, first + 3.05, first + 3.95) > 3000);
        assertTrue(rms(pcm, first + 4.2, first + 5.9) < 50);
        assertTrue(rms(pcm, first + 6.05, first + 6.35) > 3000);
    }

    private static double rms(byte[] le16, double a, double b) {
        int from = (int) (a * 48000);
        int to = (int) (b * 48000);
        double s = 0;
        for (int i = from; i < to; i++) {
            short v = (short) ((le16[2 * i] & 0xff) | (le16[2 * i + 1] << 8));
            s += (double) v * v;
        }
        return Math.sqrt(s / (to - from));
    }
}
