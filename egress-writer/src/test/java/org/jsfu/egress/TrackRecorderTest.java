package org.jsfu.egress;

import static org.jsfu.egress.RecorderSim.MS;
import static org.jsfu.egress.RecorderSim.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TrackRecorderTest {
    private static final long LAT = 30 * MS;

    static void assertTone(short[] pcm, double a, double b) {
        for (double t = a; t + 0.1 <= b + 1e-9; t += 0.1) {
            double r = Publisher.rms(pcm, t, t + 0.1);
            assertTrue(r > 3000, "expected tone at " + t + "s, rms " + r);
        }
    }

    static void assertSilence(short[] pcm, double a, double b) {
        double r = Publisher.rms(pcm, a, b);
        assertTrue(r < 50, "expected silence in [" + a + "," + b + "], rms " + r);
    }

    /** Playable duration equals the wall-clock span from the first sample to close, within 20 ms. */
    static void assertSpan(OggOpusReader.OggOpusFile f, TrackRecorder rec, long end) {
        double span = (end - rec.fileStartWallClockNanos()) / 1e9;
        assertEquals(span, f.durationSeconds(), 0.020, "duration vs wall clock");
    }

    /** Audio packets of the file that are not silence frames, in order. */
    static List<byte[]> nonSilence(OggOpusReader.OggOpusFile f) {
        List<byte[]> r = new ArrayList<>();
        for (OggOpusReader.Packet p : f.audioPackets()) {
            byte[] d = p.data();
            if (!(d.length == 3 && (d[1] & 0xff) == 0xff && (d[2] & 0xff) == 0xfe)) r.add(d);
        }
        return r;
    }

    static void assertBitExact(List<RecorderSim.Pkt> sent, OggOpusReader.OggOpusFile f) {
        List<byte[]> got = nonSilence(f);
        assertEquals(sent.size(), got.size(), "packets written");
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i).data(), got.get(i), "packet " + i);
    }

    @ParameterizedTest
    @ValueSource(ints = {480, 960, 1920, 2880})
    void continuousToneForEachPacketDuration(int frame) throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(frame);
        int count = 5 * 48000 / frame;
        List<RecorderSim.Pkt> sent = sim.add(pub, count, true, 1000, 77, T0, LAT);
        long end = sent.get(count - 1).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertBitExact(sent, f);
        assertEquals(T0 + LAT, sim.rec.firstSampleWallClockNanos());
        assertSpan(f, sim.rec, end);
        assertEquals(5.0, f.durationSeconds(), 0.02);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.1, 4.9);
        assertEquals(0, sim.rec.reanchors());
        assertEquals(2, f.channels());
        assertEquals(312, f.preSkip());
    }

    @Test
    void threeSecondGapInRtpTimestampsBecomesThreeSecondsOfSilence() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = new ArrayList<>(sim.add(pub, 50, true, 0, 0, T0, LAT));
        sent.addAll(sim.add(pub, 50, true, 4 * 48000, 50, T0 + 4000 * MS, LAT)); // seq continuous, ts +3 s
        long end = sent.get(99).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertBitExact(sent, f);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.05, 0.95);
        assertSilence(pcm, 1.03, 3.98);
        assertTone(pcm, 4.05, 4.95);
        assertSpan(f, sim.rec, end);
        assertEquals(5.0, f.durationSeconds(), 0.02);
        assertEquals(0, sim.rec.reanchors());
    }

    @Test
    void gapWithoutTicksIsFilledFromTimestamps() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        sim.tickEveryNanos = 10_000 * MS; // effectively no ticks
        Publisher pub = new Publisher(960);
        sim.add(pub, 50, true, 0, 0, T0, LAT);
        List<RecorderSim.Pkt> b = sim.add(pub, 50, true, 4 * 48000, 50, T0 + 4000 * MS, LAT);
        OggOpusReader.OggOpusFile f = sim.run(b.get(49).arrival());
        short[] pcm = RecorderSim.decode(f);
        assertSilence(pcm, 1.03, 3.98);
        assertTone(pcm, 4.05, 4.95);
        assertEquals(5.0, f.durationSeconds(), 0.02);
    }

    @Test
    void muteFourSecondsWithoutPacketsAndWithoutTimestampJump() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        sim.add(pub, 50, true, 0, 0, T0, LAT);
        sim.mute(T0 + 1000 * MS + LAT, true);
        sim.mute(T0 + 5000 * MS, false);
        // RTP timestamps continue as if no time had passed; wall clock says 4 s
        List<RecorderSim.Pkt> b = sim.add(pub, 50, true, 50 * 960, 50, T0 + 5000 * MS, LAT);
        long end = b.get(49).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.05, 0.95);
        assertSilence(pcm, 1.03, 4.98);
        assertTone(pcm, 5.05, 5.95);
        assertSpan(f, sim.rec, end);
        assertEquals(6.0, f.durationSeconds(), 0.02);
        assertTrue(sim.rec.reanchors() >= 1);
    }

    @Test
    void muteFourSecondsWithTimestampJumpAsBrowsersDo() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        sim.add(pub, 50, true, 0, 0, T0, LAT);
        sim.mute(T0 + 1000 * MS + LAT, true);
        sim.mute(T0 + 5000 * MS, false);
        List<RecorderSim.Pkt> b = sim.add(pub, 50, true, 5 * 48000, 50, T0 + 5000 * MS, LAT);
        long end = b.get(49).arrival() + 500 * MS; // closes 0.5 s after the last packet
        OggOpusReader.OggOpusFile f = sim.run(end);
        short[] pcm = RecorderSim.decode(f);
        assertSilence(pcm, 1.03, 4.98);
        assertTone(pcm, 5.05, 5.95);
        assertSilence(pcm, 6.03, 6.5);
        assertSpan(f, sim.rec, end);
        assertEquals(6.5, f.durationSeconds(), 0.001);
        assertEquals(0, sim.rec.reanchors());
    }

    @Test
    void timestampJumpLargerThanRealGapIsSizedByWallClock() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        sim.add(pub, 50, true, 0, 0, T0, LAT);
        // after 1 s of real pause the RTP timestamp jumps by 5 s: wall clock wins (rule b)
        List<RecorderSim.Pkt> b = sim.add(pub, 50, true, 6 * 48000, 50, T0 + 2000 * MS, LAT);
        long end = b.get(49).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        short[] pcm = RecorderSim.decode(f);
        assertSilence(pcm, 1.03, 1.98);
        assertTone(pcm, 2.05, 2.95);
        assertSpan(f, sim.rec, end);
        assertEquals(3.0, f.durationSeconds(), 0.02);
        assertEquals(1, sim.rec.reanchors());
    }

    @Test
    void lostPacketsBecomeSilenceAtTheirPlace() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> all = sim.add(pub, 150, true, 0, 0, T0, LAT);
        sim.packets.removeIf(p -> p.seq() >= 100 && p.seq() < 110); // 200 ms lost
        long end = all.get(149).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.05, 1.95);
        assertSilence(pcm, 2.01, 2.19); // the next packet starts with 6.5 ms of encoder lookahead
        assertTone(pcm, 2.25, 2.95);
        assertEquals(3.0, f.durationSeconds(), 0.02);
        assertEquals(10, sim.rec.skippedHoles());
    }

    @Test
    void reorderWithinWindowAndDuplicatesAreHandled() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = sim.add(pub, 100, true, 0, 0, T0, LAT);
        sim.packets.clear();
        for (RecorderSim.Pkt p : sent) {
            long delay = (p.seq() % 2 == 0 && p.seq() > 0) ? 35 * MS : 0; // even packets overtaken by the next one
            sim.packets.add(new RecorderSim.Pkt(p.data(), p.ts(), p.seq(), p.arrival() + delay));
            if (p.seq() % 3 == 0) sim.packets.add(new RecorderSim.Pkt(p.data(), p.ts(), p.seq(), p.arrival() + 1 * MS));
            if (p.seq() % 10 == 5) sim.packets.add(new RecorderSim.Pkt(p.data(), p.ts(), p.seq(), p.arrival() + 400 * MS));
        }
        OggOpusReader.OggOpusFile f = sim.run(sent.get(99).arrival() + 50 * MS);
        assertBitExact(sent, f);
        assertTrue(sim.rec.duplicates() + sim.rec.latePackets() >= 34 + 10);
        assertEquals(0, sim.rec.skippedHoles());
        assertTone(RecorderSim.decode(f), 0.05, 1.95);
    }

    @Test
    void dtxGapsWithJitterKeepTimestampPlacement() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = new ArrayList<>();
        long seq = 0;
        for (int burst = 0; burst < 10; burst++) { // 200 ms of tone, then 400 ms without packets
            long start = burst * 600L;
            long lat = LAT + (burst % 3) * 25 * MS; // jitter 0..50 ms
            sent.addAll(sim.add(pub, 10, true, start * 48, seq, T0 + start * MS, lat));
            seq += 10;
        }
        long end = sent.get(sent.size() - 1).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertBitExact(sent, f);
        assertEquals(0, sim.rec.reanchors());
        short[] pcm = RecorderSim.decode(f);
        for (int burst = 0; burst < 10; burst++) {
            assertTone(pcm, burst * 0.6 + 0.03, burst * 0.6 + 0.13);
            if (burst < 9) assertSilence(pcm, burst * 0.6 + 0.23, burst * 0.6 + 0.58);
        }
    }

    @Test
    void padToWholeSecondPlacesFirstSampleAtItsOffset() throws Exception {
        TrackRecorder.Options o = new TrackRecorder.Options();
        o.padToWholeSecond = true;
        RecorderSim sim = new RecorderSim(o);
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = sim.add(pub, 100, true, 0, 0, T0, LAT);
        long end = sent.get(99).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        long first = sim.rec.firstSampleWallClockNanos();
        assertEquals(T0 + LAT, first);
        assertEquals(first / 1_000_000_000L * 1_000_000_000L, sim.rec.fileStartWallClockNanos());
        double offset = (first - sim.rec.fileStartWallClockNanos()) / 1e9; // 0.28 s
        short[] pcm = RecorderSim.decode(f);
        int onset = 0;
        while (Math.abs(pcm[onset]) < 500) onset++;
        assertEquals(offset, onset / 48000.0, 0.005, "tone onset");
        assertSilence(pcm, 0, offset - 0.005);
        assertSpan(f, sim.rec, end);
        assertEquals(2.0 + offset, f.durationSeconds(), 0.02);
        assertBitExact(sent, f);
    }

    @Test
    void redPayloadsAreUnwrappedAndRecoverLostPackets() throws Exception {
        TrackRecorder.Options o = new TrackRecorder.Options();
        o.red = true;
        RecorderSim sim = new RecorderSim(o);
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> plain = sim.add(pub, 100, true, 0, 0, T0, LAT);
        sim.packets.clear();
        for (int i = 0; i < plain.size(); i++) {
            RecorderSim.Pkt p = plain.get(i);
            byte[] red = i == 0 ? RedUnwrapperTest.red(63, new int[0], new byte[0][], p.data())
                    : RedUnwrapperTest.red(63, new int[] {960}, new byte[][] {plain.get(i - 1).data()}, p.data());
            if (i % 7 == 3) continue; // lost; recovered from the next packet's redundancy
            sim.packets.add(new RecorderSim.Pkt(red, p.ts(), p.seq(), p.arrival()));
        }
        OggOpusReader.OggOpusFile f = sim.run(plain.get(99).arrival());
        assertBitExact(plain, f);
        assertEquals(14, sim.rec.recoveredFromRed());
        assertEquals(0, sim.rec.skippedHoles());
    }

    @Test
    void closeWithoutPacketsWritesValidEmptyStream() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        OggOpusReader.OggOpusFile f = sim.run(T0);
        assertEquals(0, f.audioPackets().size());
        assertTrue(f.pages().get(f.pages().size() - 1).eos());
    }
}
