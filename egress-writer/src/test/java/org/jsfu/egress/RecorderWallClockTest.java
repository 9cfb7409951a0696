package org.jsfu.egress;

import static org.jsfu.egress.RecorderSim.MS;
import static org.jsfu.egress.RecorderSim.T0;
import static org.jsfu.egress.TrackRecorderTest.assertSilence;
import static org.jsfu.egress.TrackRecorderTest.assertSpan;
import static org.jsfu.egress.TrackRecorderTest.assertTone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jsfu.ogg.OggOpusReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file never runs ahead of the wall clock: after a stall whose packets arrive late in one burst, or a
 * pause whose RTP jump is a little larger than the real pause, the playable duration still equals the
 * time the track was recorded (within 20 ms), later audio sits at its wall-clock place, and every packet
 * written is the publisher's, byte for byte and in order. Fake clock: all times are simulated.
 */
class RecorderWallClockTest {
    private static final long LAT = 30 * MS;

    /**
     * Tone 0..6 s, publisher silence 6..7 s (a marker for placement), tone 7..8 s, 20 ms packets. The packets
     * captured in [stallStart, stallStart + stall) are held by the network and arrive together, just after
     * the last of them was captured and before the next one (a burst, 0.1 ms apart).
     */
    @ParameterizedTest
    @ValueSource(ints = {250, 364, 1000, 3000})
    void packetsOfAStallArrivingInABurstDoNotLengthenTheFile(int stallMs) throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        long stallStart = 1000 * MS;
        long burstAt = T0 + stallStart + stallMs * MS + 20 * MS + LAT;
        List<RecorderSim.Pkt> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long capture = i * 20 * MS;
            boolean tone = capture < 6000 * MS || capture >= 7000 * MS;
            long arrival = T0 + capture + 20 * MS + LAT;
            if (capture >= stallStart && capture < stallStart + stallMs * MS) {
                arrival = burstAt - 18 * MS + (i - 50) * 100_000L; // before the first packet after the stall
            }
            sent.add(new RecorderSim.Pkt(pub.next(tone), 1000 + 960L * i, 500 + i, arrival));
        }
        sim.packets.addAll(sent);
        long end = sent.get(399).arrival() + 5 * MS;
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertSpan(f, sim.rec, end);
        assertEquals(8.0 + 0.005, f.durationSeconds(), 0.020, "8 s recorded");
        assertWrittenAreSent(sent, f, p -> p.ts() < 1000 + 960L * 50 || p.arrival() > burstAt + 300 * MS);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.05, 0.95);
        assertTone(pcm, (stallMs + 1300) / 1000.0, 5.95);
        assertSilence(pcm, 6.03, 6.97); // the marker is where it was captured: later audio is not shifted
        assertTone(pcm, 7.05, 7.95);
    }

    /** A stall shorter than the silence fill delay (1 s): the late burst is written in full at its RTP place. */
    @ParameterizedTest
    @ValueSource(ints = {250, 364, 800})
    void aStallShorterThanTheFillDelayLosesNothing(int stallMs) throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        long stallStart = 1000 * MS;
        long burstAt = T0 + stallStart + stallMs * MS + 20 * MS + LAT;
        List<RecorderSim.Pkt> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long capture = i * 20 * MS;
            long arrival = T0 + capture + 20 * MS + LAT;
            if (capture >= stallStart && capture < stallStart + stallMs * MS) {
                arrival = burstAt - 18 * MS + (i - 50) * 100_000L;
            }
            sent.add(new RecorderSim.Pkt(pub.next(true), 1000 + 960L * i, 500 + i, arrival));
        }
        sim.packets.addAll(sent);
        long end = sent.get(399).arrival() + 5 * MS;
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertEquals(0, sim.rec.overruns(), "nothing dropped");
        assertEquals(8.0 + 0.005, f.durationSeconds(), 0.020, "8 s recorded");
        assertWrittenAreSent(sent, f, p -> true);
        assertTone(RecorderSim.decode(f), 0.05, 7.95);
    }

    /** A 3 s pause whose RTP jump exceeds it by less than the re-anchor threshold (100 ms). */
    @ParameterizedTest
    @CsvSource({"30", "80", "99"})
    void timestampJumpSlightlyLargerThanThePauseDoesNotLengthenTheFile(int extraMs) throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = new ArrayList<>(sim.add(pub, 50, true, 0, 0, T0, LAT));
        long jump = (4000 + extraMs) * 48L; // RTP says 4 s + extra, the wall clock says 4 s
        sent.addAll(sim.add(pub, 100, true, jump, 50, T0 + 4000 * MS, LAT));
        long end = sent.get(sent.size() - 1).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertSpan(f, sim.rec, end);
        assertEquals(6.0, f.durationSeconds(), 0.020);
        assertWrittenAreSent(sent, f, p -> true);
        short[] pcm = RecorderSim.decode(f);
        assertTone(pcm, 0.05, 0.95);
        assertSilence(pcm, 1.03, 3.98);
        assertTone(pcm, 4.05, 5.95);
    }

    /**
     * A sender whose audio clock runs 0.2 % fast (RTP advances 20 ms every 19.96 ms of wall time) without any
     * pause for 30 s: the file would end 60 ms late. Packets that would run ahead are dropped one at a time.
     */
    @org.junit.jupiter.api.Test
    void aFastSenderClockWithoutPausesDoesNotLengthenTheFile() throws Exception {
        RecorderSim sim = new RecorderSim(new TrackRecorder.Options());
        Publisher pub = new Publisher(960);
        List<RecorderSim.Pkt> sent = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            long arrival = T0 + LAT + (i + 1) * 19_960_000L;
            sent.add(new RecorderSim.Pkt(pub.next(true), 960L * i, i, arrival));
        }
        sim.packets.addAll(sent);
        long end = sent.get(sent.size() - 1).arrival();
        OggOpusReader.OggOpusFile f = sim.run(end);
        assertSpan(f, sim.rec, end);
        assertTrue(sim.rec.overruns() >= 2 && sim.rec.overruns() <= 4, "dropped " + sim.rec.overruns());
        assertEquals(sent.size() - sim.rec.overruns(), TrackRecorderTest.nonSilence(f).size());
        assertWrittenAreSent(sent, f, p -> p.seq() < 500);
        assertTone(RecorderSim.decode(f), 0.05, 29.8);
    }

    /**
     * The audio packets of {@code f} (silence frames left out) are publisher packets, unchanged and in
     * order; every packet matching {@code mustKeep} is among them.
     */
    static void assertWrittenAreSent(List<RecorderSim.Pkt> sent, OggOpusReader.OggOpusFile f,
                                     java.util.function.Predicate<RecorderSim.Pkt> mustKeep) {
        List<byte[]> got = TrackRecorderTest.nonSilence(f);
        int j = 0;
        for (byte[] g : got) {
            while (j < sent.size() && !java.util.Arrays.equals(sent.get(j).data(), g)) {
                assertTrue(!mustKeep.test(sent.get(j)), "packet seq " + sent.get(j).seq() + " is missing");
                j++;
            }
            assertTrue(j < sent.size(), "a written packet is not the publisher's (or out of order)");
            assertArrayEquals(sent.get(j).data(), g);
            j++;
        }
        for (; j < sent.size(); j++) assertTrue(!mustKeep.test(sent.get(j)), "packet seq " + sent.get(j).seq() + " is missing");
    }
}
