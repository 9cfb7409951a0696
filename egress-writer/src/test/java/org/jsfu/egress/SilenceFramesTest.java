package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jaredmdobson.concentus.OpusDecoder;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.ogg.OpusToc;
import org.junit.jupiter.api.Test;

class SilenceFramesTest {
    @Test
    void framesHaveTheirDurationsAndDecodeToZeros() throws Exception {
        for (boolean stereo : new boolean[] {false, true}) {
            SilenceFrames s = new SilenceFrames(stereo);
            assertEquals(960, OpusToc.packetSamples48k(s.largestFitting(5000), 0, 3));
            assertEquals(480, OpusToc.packetSamples48k(s.largestFitting(959), 0, 3));
            assertEquals(240, OpusToc.packetSamples48k(s.largestFitting(479), 0, 3));
            assertEquals(120, OpusToc.packetSamples48k(s.largestFitting(239), 0, 3));
            assertNull(s.largestFitting(119));
            OpusDecoder dec = new OpusDecoder(48000, 2);
            short[] pcm = new short[5760 * 2];
            for (long len : new long[] {960, 480, 240, 120}) {
                byte[] f = s.largestFitting(len);
                int n = dec.decode(f, 0, f.length, pcm, 0, 5760, false);
                assertEquals(len, n);
                for (int i = 0; i < n * 2; i++) assertEquals(0, pcm[i], "sample " + i);
            }
        }
    }

    @Test
    void silenceAfterToneDecaysToZeroWithinOneFrame() throws Exception {
        Publisher pub = new Publisher(960);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 25; i++) packets.add(pub.next(true));
        byte[] sil = new SilenceFrames(true).frame20ms();
        for (int i = 0; i < 25; i++) packets.add(sil);
        short[] pcm = Publisher.decode(packets, 0, 2);
        assertTrue(Publisher.rms(pcm, 0.1, 0.5) > 3000);
        assertTrue(Publisher.rms(pcm, 0.54, 1.0) < 5, "rms " + Publisher.rms(pcm, 0.54, 1.0));
    }
}
