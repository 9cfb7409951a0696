package org.jsfu.egress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jsfu.ogg.OggOpusReader;

/** Drives a TrackRecorder with simulated packets and ticks, then reads and decodes the result. */
final class RecorderSim {
    static final long MS = 1_000_000L;
    /** 2026-04-01T19:57:58.250Z */
    static final long T0 = 1_775_073_478_250_000_000L;

    record Pkt(byte[] data, long ts, long seq, long arrival) {}

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final TrackRecorder rec;
    final List<Pkt> packets = new ArrayList<>();
    final List<Runnable> muteEvents = new ArrayList<>();
    final List<long[]> mutes = new ArrayList<>(); // {timeNanos, muted 0/1}
    long tickEveryNanos = 10 * MS;

    RecorderSim(TrackRecorder.Options o) {
        rec = new TrackRecorder(out, o, "TR_test");
    }

    /**
     * Adds {@code count} packets from {@code pub}; packet i is captured at {@code captureStart + i*dur} and
     * arrives one duration plus {@code latency} later.
     */
    List<Pkt> add(Publisher pub, int count, boolean tone, long tsStart, long seqStart, long captureStart, long latency)
            throws Exception {
        List<Pkt> added = new ArrayList<>();
        long durNanos = pub.frameSamples * 1_000_000_000L / 48000;
        for (int i = 0; i < count; i++) {
            Pkt p = new Pkt(pub.next(tone), tsStart + (long) i * pub.frameSamples, seqStart + i,
                    captureStart + i * durNanos + durNanos + latency);
            added.add(p);
        }
        packets.addAll(added);
        return added;
    }

    void mute(long at, boolean muted) {
        mutes.add(new long[] {at, muted ? 1 : 0});
    }

    /** Delivers everything in arrival order with ticks every tickEveryNanos, then closes at {@code end}. */
    OggOpusReader.OggOpusFile run(long end) throws IOException {
        List<Pkt> order = new ArrayList<>(packets);
        order.sort(Comparator.comparingLong(Pkt::arrival));
        long t = order.isEmpty() ? end : order.get(0).arrival();
        int mi = 0;
        mutes.sort(Comparator.comparingLong(m -> m[0]));
        for (Pkt p : order) {
            while (t < p.arrival()) {
                while (mi < mutes.size() && mutes.get(mi)[0] <= t) rec.onMute(mutes.get(mi)[1] == 1, mutes.get(mi++)[0]);
                rec.tick(t);
                t += tickEveryNanos;
            }
            rec.onRtp(p.data(), 0, p.data().length, p.ts(), p.seq(), p.arrival());
        }
        while (t < end) {
            while (mi < mutes.size() && mutes.get(mi)[0] <= t) rec.onMute(mutes.get(mi)[1] == 1, mutes.get(mi++)[0]);
            rec.tick(t);
            t += tickEveryNanos;
        }
        rec.close(end);
        return OggOpusReader.read(new ByteArrayInputStream(out.toByteArray()));
    }

    static short[] decode(OggOpusReader.OggOpusFile f) throws Exception {
        List<byte[]> ps = new ArrayList<>();
        for (OggOpusReader.Packet p : f.audioPackets()) ps.add(p.data());
        return Publisher.decode(ps, f.preSkip(), f.channels());
    }
}
