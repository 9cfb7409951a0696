package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggOpusWriterTest {
    /** CELT full-band silence frames (silence flag set), stereo TOC; 2.5, 10, 20 ms and 3 x 20 ms (code 3, CBR: 3 frames of 2 bytes). */
    static final byte[] SIL_20 = {(byte) 0xFC, (byte) 0xFF, (byte) 0xFE};
    static final byte[] SIL_10 = {(byte) 0xF4, (byte) 0xFF, (byte) 0xFE};
    static final byte[] SIL_60 = {(byte) 0xFF, 0x03, (byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFE};
    static final byte[] SILK_40 = {(byte) (10 << 3 | 4), (byte) 0xFF, (byte) 0xFE}; // SILK WB 40 ms config 10

    @TempDir Path dir;

    @Test
    void headersAreExact() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 2, 312, 42);
        w.finish();
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(1, f.version());
        assertEquals(2, f.channels());
        assertEquals(312, f.preSkip());
        assertEquals(48000, f.inputSampleRate());
        assertEquals(0, f.outputGain());
        assertEquals(0, f.mappingFamily());
        assertEquals("jsfu", f.vendor());
        assertTrue(f.comments().isEmpty());
        assertEquals(3, f.pages().size()); // head, tags, empty EOS
        assertTrue(f.pages().get(0).bos());
        assertTrue(f.pages().get(2).eos());
        assertArrayEquals(OggOpusWriter.opusHead(2, 312), new byte[] {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2,
                (byte) 0x38, 1, (byte) 0x80, (byte) 0xbb, 0, 0, 0, 0, 0});
    }

    @Test
    void granulesCountSamplesForMixedDurationsAndPagesHoldAboutOneSecond() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 2, 312, 42);
        long expected = 0;
        for (int i = 0; i < 200; i++) {
            byte[] p = switch (i % 4) { case 0 -> SIL_20; case 1 -> SIL_10; case 2 -> SIL_60; default -> SILK_40; };
            expected += w.writePacket(p, 0, p.length);
            assertEquals(expected, w.granule());
        }
        assertEquals(200L / 4 * (960 + 480 + 2880 + 1920), expected);
        w.finish();
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(200, f.audioPackets().size());
        assertEquals(expected, f.lastGranule());
        assertEquals(expected, f.totalPacketSamples());
        // each page's granule equals the samples of all packets completed up to it
        long sum = 0;
        long prevPageGranule = 0;
        for (OggOpusReader.Packet p : f.audioPackets()) {
            sum += OpusToc.packetSamples48k(p.data(), 0, p.data().length);
            if (p.pageGranule() >= 0) {
                assertEquals(sum, p.pageGranule());
                // a page is closed once it holds >= 1 s; the next packet opens a new one (max 60 ms over)
                assertTrue(p.pageGranule() - prevPageGranule <= 48000 + 2880, "page too long");
                prevPageGranule = p.pageGranule();
            }
        }
        assertTrue(f.pages().size() >= 3 + (int) (expected / 48000) - 1);
    }

    @Test
    void flushForcesPageAndEndTrimmingOnEosPage() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 1, 312, 42);
        w.writePacket(SIL_20, 0, 3);
        int before = out.size();
        w.flush();
        assertTrue(out.size() > before, "flush writes the pending page");
        w.writePacket(SIL_20, 0, 3);
        long g = w.finish(100);
        assertEquals(1920 - 100, g);
        OggOpusReader.OggOpusFile f = OggOpusReader.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(1820, f.lastGranule());
        assertTrue(f.pages().get(f.pages().size() - 1).eos());
        assertThrows(IllegalStateException.class, () -> w.writePacket(SIL_20, 0, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new OggOpusWriter(new ByteArrayOutputStream(), 1, 312, 1).writePacket(new byte[0], 0, 0));
    }

    @Test
    void opusinfoAndFfprobeAcceptTheFile() throws Exception {
        Path file = dir.resolve("s.ogg");
        try (OggOpusWriter w = new OggOpusWriter(Files.newOutputStream(file), 2, 312, 0x5eed)) {
            for (int i = 0; i < 150; i++) w.writePacket(SIL_20, 0, 3); // 3 s
            for (int i = 0; i < 100; i++) w.writePacket(SIL_10, 0, 3); // 1 s
            for (int i = 0; i < 20; i++) w.writePacket(SIL_60, 0, SIL_60.length);  // 1.2 s
        }
        String info = ExternalTools.run("opusinfo", file.toString());
        assertFalse(info.contains("WARNING") || info.contains("ERROR"), info);
        assertTrue(info.contains("Pre-skip: 312"), info);
        Matcher m = Pattern.compile("Playback length: (\\d+)m:([\\d.]+)s").matcher(info);
        assertTrue(m.find(), info);
        assertEquals(5.2 - 312 / 48000.0, Double.parseDouble(m.group(2)), 0.002);
        String probe = ExternalTools.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate:format=duration",
                "-of", "default=nw=1", file.toString());
        assertTrue(probe.contains("codec_name=opus"), probe);
        assertTrue(probe.contains("channels=2"), probe);
        Matcher d = Pattern.compile("duration=([\\d.]+)").matcher(probe);
        assertTrue(d.find(), probe);
        // ffprobe reports the last granule (pre-skip included) as duration; the decoded length below drops it
        assertEquals(5.2, Double.parseDouble(d.group(1)), 0.002);
        // ffmpeg decodes the whole stream without errors and yields the playable sample count
        String dec = ExternalTools.run("ffmpeg", "-v", "error", "-xerror", "-i", file.toString(), "-f", "s16le", "-ac", "1", "-ar", "48000",
                dir.resolve("s.raw").toString());
        assertEquals("", dec.trim());
        assertEquals((5.2 * 48000 - 312) * 2, Files.size(dir.resolve("s.raw")), 2 * 48);
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(5.2 * 48000, OggOpusReader.read(in).lastGranule(), 0.5);
        }
    }
}
