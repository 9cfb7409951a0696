package org.jsfu.egress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.jsfu.ogg.OggOpusWriter;
import org.jsfu.ogg.OpusToc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one Opus audio track into an Ogg Opus stream on a continuous wall-clock timeline (sans-IO:
 * single-threaded, time is a parameter; all {@code *Nanos} arguments are UTC epoch nanoseconds from one
 * clock).
 *
 * <p>Timeline rules (positions are 48 kHz samples, "k" = decoded sample index = Ogg granule domain):
 * <ol>
 * <li>The first packet anchors the file: its first sample was captured at
 * {@code firstSampleWall = arrival - duration - assumedTransit}. The file's playable start
 * ({@link #fileStartWallClockNanos()}) is that instant, or the whole second before it with
 * {@code padToWholeSecond}; the padding is silence frames plus a pre-skip chosen so that the first real
 * sample plays exactly at the right offset (pre-skip = 312 + pad frames - pad samples; 312 is the
 * libopus encoder lookahead that browsers' packets carry).</li>
 * <li>Packets go through a reorder buffer keyed by extended sequence number: emitted in order, held at
 * most {@code reorderWindowNanos} waiting for a missing one (then the hole is skipped), duplicates and
 * packets older than the last emitted one are dropped.</li>
 * <li>A packet's place is {@code k = base + (ts - firstTs) + adjust}. A gap before it (DTX, loss, mute)
 * is filled with silence frames; payload bytes are copied unchanged.</li>
 * <li>Re-anchoring ({@code adjust} changes): (a) when a packet would start more than 2.5 ms before the end
 * of what is already written (its RTP clock fell behind, typically after {@link #tick} filled a pause),
 * or (b) when a packet follows a gap and its arrival disagrees with the position its RTP timestamp
 * implies by more than {@code reanchorThresholdNanos} (100 ms), it is placed where its arrival time puts
 * it (relative to the first packet's arrival), but never over already written audio. Continuous audio is never cut;
 * sender clock drift is corrected at the next gap (with DTX there is one at every pause).</li>
 * <li>Rule (c): the written audio never runs ahead of the wall clock by more than {@code maxLeadNanos}
 * (20 ms). A packet placed later than its arrival time puts it plus that lead (packets of a stall arriving
 * in one burst after {@link #tick} filled the stall with silence, an RTP jump slightly larger than the
 * pause, a sender clock running fast) goes to its arrival place when that is not already written, and is
 * dropped otherwise ({@link #overruns()}): the file's length stays the time recorded, and what is written
 * stays the publisher's packets, unchanged and in order.</li>
 * <li>When no packet is pending, {@link #tick} fills silence up to {@code now - silenceFillDelay}
 * ({@code now - reorderWindow} while muted), so a mute without packets becomes silence in real time.
 * The delay (1 s) is what a network stall may last and still have its late burst written in full at
 * its RTP place; a longer stall loses the part of the burst that rule (c) cannot place.</li>
 * <li>{@link #close} fills silence up to {@code now} and trims the end of the last frame, so the playable
 * duration equals {@code now - fileStart} to the sample.</li>
 * </ol>
 */
public final class TrackRecorder {
    private static final Logger log = LoggerFactory.getLogger(TrackRecorder.class);
    private static final int RING = 64;
    private static final int MAX_PAYLOAD = 1500;
    /** Encoder lookahead of libopus at 48 kHz (2.5 ms + 4 ms), the pre-skip opusenc writes. */
    public static final int ENCODER_LOOKAHEAD = 312;

    /** Recorder options. */
    public static final class Options {
        /** OpusHead channel count: 2 unless the track is known mono (RTP opus is always "opus/48000/2"). */
        public int channels = 2;
        public long reorderWindowNanos = 100_000_000L;
        public long silenceFillDelayNanos = 1_000_000_000L;
        public long reanchorThresholdNanos = 100_000_000L;
        /**
         * How far the written audio may run ahead of the wall clock (rule 5): a packet is never placed more
         * than this before the place its arrival time gives it. Below one packet (20 ms), so what is left at
         * {@link #close} can be trimmed from the last packet.
         */
        public long maxLeadNanos = 20_000_000L;
        /** Subtracted from the first packet's capture-time estimate (network + pacing), default 0. */
        public long assumedTransitNanos = 0;
        public boolean padToWholeSecond = false;
        /** Payloads are RED (RFC 2198) wrapping Opus. */
        public boolean red = false;
        /** Use RED redundant blocks to fill lost packets. */
        public boolean recoverFromRed = true;
        /** Ogg page duration (crash-loss bound), 48 kHz samples. */
        public long pageSamples = 48_000;
        public int serial = 0x6a736675;
    }

    private final OutputStream out;
    private final Options opt;
    private final String name;
    private final SilenceFrames silence;
    private final RedUnwrapper.Blocks red = new RedUnwrapper.Blocks();
    // reorder ring
    private final long[] slotSeq = new long[RING];
    private final long[] slotTs = new long[RING];
    private final long[] slotArrival = new long[RING];
    private final int[] slotLen = new int[RING];
    /** Slot buffers are sized to the packets seen (grown, never shrunk): ~16 KB per track instead of 96 KB. */
    private final byte[][] slotData = new byte[RING][];
    private int held;
    private long nextSeq;

    private OggOpusWriter writer;
    private boolean started;
    private boolean closed;
    private boolean muted;
    private long firstTs;
    private long firstArrival;
    private int firstDuration;
    private long firstSampleWall;
    private long fileStartWall;
    private long base;
    private int preSkip;
    private long adjust;

    private long packetsWritten;
    private long silenceFrames;
    private long duplicates;
    private long late;
    private long malformed;
    private long reanchors;
    private long recovered;
    private long skippedHoles;
    private long overruns;

    public TrackRecorder(OutputStream out, Options options, String name) {
        this.out = Objects.requireNonNull(out, "out");
        this.opt = Objects.requireNonNull(options, "options");
        this.name = name;
        if (opt.channels != 1 && opt.channels != 2) throw new IllegalArgumentException("channels");
        this.silence = new SilenceFrames(opt.channels == 2);
        for (int i = 0; i < RING; i++) slotSeq[i] = -1;
    }

    /**
     * One RTP packet's payload (Opus, or RED when {@code Options.red}).
     *
     * @param extTimestamp RTP timestamp (48 kHz) extended to 64 bits
     * @param extSeq RTP sequence number extended to 64 bits
     * @param arrivalNanos arrival time, UTC epoch ns
     */
    public void onRtp(byte[] payload, int off, int len, long extTimestamp, long extSeq, long arrivalNanos)
            throws IOException {
        if (closed) return;
        if (opt.red) {
            if (!RedUnwrapper.parse(payload, off, len, red)) {
                malformed++;
                return;
            }
            int n = red.count;
            if (opt.recoverFromRed && started) recoverRedundant(payload, extTimestamp, extSeq, arrivalNanos);
            accept(payload, red.offset[n - 1], red.length[n - 1], extTimestamp, extSeq, arrivalNanos);
        } else {
            accept(payload, off, len, extTimestamp, extSeq, arrivalNanos);
        }
        releaseExpired(arrivalNanos);
    }

    /**
     * Redundant block i (oldest first) belongs to sequence {@code seq - (n-1-i)} when its timestamp offset
     * equals the summed durations of it and the redundant blocks after it (contiguous packets); other
     * layouts are not guessed at.
     */
    private void recoverRedundant(byte[] b, long ts, long seq, long arrival) throws IOException {
        int n = red.count;
        long sum = 0;
        for (int i = n - 2; i >= 0; i--) {
            int dur = OpusToc.packetSamples48k(b, red.offset[i], red.length[i]);
            if (dur <= 0) return;
            sum += dur;
            if (red.tsOffset[i] != sum) return;
            long s = seq - (n - 1 - i);
            if (s >= nextSeq && slotSeq[(int) (s & (RING - 1))] != s && s > seq - RING) {
                recovered++;
                accept(b, red.offset[i], red.length[i], ts - sum, s, arrival);
            }
        }
    }

    private void accept(byte[] b, int off, int len, long ts, long seq, long arrival) throws IOException {
        if (len <= 0 || len > MAX_PAYLOAD || OpusToc.packetSamples48k(b, off, len) < 0) {
            malformed++;
            return;
        }
        if (!started) start(b, off, len, ts, seq, arrival);
        if (seq < nextSeq) {
            late++; // duplicate of an emitted packet, or too late for its place
            return;
        }
        while (seq >= nextSeq + RING) {
            if (held == 0) { // nothing held: jump straight to the new packet
                skippedHoles += seq - nextSeq;
                nextSeq = seq;
            } else {
                skipToNextHeld();
            }
        }
        int i = (int) (seq & (RING - 1));
        if (slotSeq[i] == seq) {
            duplicates++;
            return;
        }
        slotSeq[i] = seq;
        slotTs[i] = ts;
        slotArrival[i] = arrival;
        slotLen[i] = len;
        if (slotData[i] == null || slotData[i].length < len) slotData[i] = new byte[Math.max(256, len)];
        System.arraycopy(b, off, slotData[i], 0, len);
        held++;
        drain();
    }

    private void start(byte[] b, int off, int len, long ts, long seq, long arrival) throws IOException {
        started = true;
        firstTs = ts;
        firstArrival = arrival;
        firstDuration = OpusToc.packetSamples48k(b, off, len);
        firstSampleWall = arrival - firstDuration * 1_000_000_000L / 48_000 - opt.assumedTransitNanos;
        nextSeq = seq;
        long padSamples = 0;
        fileStartWall = firstSampleWall;
        if (opt.padToWholeSecond) {
            fileStartWall = Math.floorDiv(firstSampleWall, 1_000_000_000L) * 1_000_000_000L;
            padSamples = Math.round((firstSampleWall - fileStartWall) * 48_000.0 / 1e9);
        }
        long padFrames = (padSamples + 959) / 960;
        base = padFrames * 960;
        preSkip = (int) (base + ENCODER_LOOKAHEAD - padSamples);
        writer = new OggOpusWriter(out, opt.channels, preSkip, opt.serial, opt.pageSamples);
        for (long i = 0; i < padFrames; i++) writeSilence(silence.frame20ms());
        log.info("recording started track={} firstSampleWallNanos={} fileStartWallNanos={} preSkip={}",
                name, firstSampleWall, fileStartWall, preSkip);
    }

    private void drain() throws IOException {
        while (held > 0) {
            int i = (int) (nextSeq & (RING - 1));
            if (slotSeq[i] != nextSeq) return;
            emit(slotData[i], slotLen[i], slotTs[i], slotArrival[i]);
            slotSeq[i] = -1;
            held--;
            nextSeq++;
        }
    }

    /** Gives up on the missing sequence number(s) before the oldest held packet. */
    private void skipToNextHeld() throws IOException {
        if (held == 0) {
            nextSeq++;
            return;
        }
        while (slotSeq[(int) (nextSeq & (RING - 1))] != nextSeq) {
            nextSeq++;
            skippedHoles++;
        }
        drain();
    }

    private void releaseExpired(long now) throws IOException {
        while (held > 0) {
            long oldest = Long.MAX_VALUE;
            for (int k = 0; k < RING; k++) {
                if (slotSeq[k] >= 0 && slotArrival[k] < oldest) oldest = slotArrival[k];
            }
            if (now - oldest < opt.reorderWindowNanos) return;
            skipToNextHeld();
        }
    }

    private void emit(byte[] data, int len, long ts, long arrival) throws IOException {
        int dur = OpusToc.packetSamples48k(data, 0, len);
        long w = writer.granule();
        long e = base + (ts - firstTs) + adjust;
        long skew = arrival - predictedArrival(e, dur);
        long ew = e + Math.round(skew * 48_000.0 / 1e9); // where the arrival time puts it
        long ne = e;
        // rule (a): RTP behind what is written; rule (b): after a gap, RTP and wall clock disagree
        if (e < w - 120 || (e > w + 120 && Math.abs(skew) > opt.reanchorThresholdNanos)) {
            ne = Math.max(w, ew);
        }
        // rule (c): never ahead of the wall clock by more than maxLead (a late burst after a stall that tick
        // filled with silence, an RTP jump a little larger than the pause, a sender clock running fast)
        long maxLead = opt.maxLeadNanos * 48_000 / 1_000_000_000L;
        if (ne > ew + maxLead) {
            if (w > ew + maxLead) { // even right after what is written it would be early: drop it
                overruns++;
                return;
            }
            ne = Math.max(w, ew);
        }
        if (ne != e) {
            adjust += ne - e;
            e = ne;
            reanchors++;
            log.debug("re-anchor track={} skewNanos={} adjust={}", name, skew, adjust);
        }
        fillTo(e);
        writer.writePacket(data, 0, len, writer.granule() + dur);
        packetsWritten++;
    }

    /** Wall time at which a packet starting at k with {@code dur} samples should arrive (RTP-implied). */
    private long predictedArrival(long k, int dur) {
        return firstArrival + Math.round((k + dur - base - firstDuration) * 1e9 / 48_000);
    }

    /** Sample index k whose content was captured at wall time t. */
    private long kAtWall(long t) {
        return base + ENCODER_LOOKAHEAD + Math.round((t - firstSampleWall) * 48_000.0 / 1e9);
    }

    private void fillTo(long target) throws IOException {
        while (true) {
            byte[] f = silence.largestFitting(target - writer.granule());
            if (f == null) return;
            writeSilence(f);
        }
    }

    private void writeSilence(byte[] f) throws IOException {
        writer.writePacket(f, 0, f.length);
        silenceFrames++;
    }

    /** Mute state from signalling; while muted, {@link #tick} fills silence closer to real time. */
    public void onMute(boolean muted, long nowNanos) throws IOException {
        this.muted = muted;
        if (started && !closed && muted) writer.flush(); // keep what we have on disk during a pause
    }

    /** Releases held packets whose wait expired and fills silence up to the fill horizon. */
    public void tick(long nowNanos) throws IOException {
        if (!started || closed) return;
        releaseExpired(nowNanos);
        if (held > 0) return;
        long delay = muted ? opt.reorderWindowNanos : opt.silenceFillDelayNanos;
        long target = kAtWall(nowNanos - delay);
        while (target - writer.granule() >= 960) writeSilence(silence.frame20ms());
    }

    /**
     * Emits everything held, fills silence to {@code nowNanos}, trims the last frame so the playable
     * duration ends at {@code nowNanos}, and writes the EOS page. The output stream is flushed, not closed.
     * Without any packet, writes a valid stream with no audio.
     */
    public void close(long nowNanos) throws IOException {
        if (closed) return;
        closed = true;
        if (!started) {
            writer = new OggOpusWriter(out, opt.channels, ENCODER_LOOKAHEAD, opt.serial, opt.pageSamples);
            writer.finish();
            return;
        }
        while (held > 0) skipToNextHeld();
        long target = kAtWall(nowNanos);
        while (writer.granule() < target) writeSilence(silence.frame20ms());
        long over = writer.granule() - target;
        writer.finish(over);
        log.info("recording closed track={} packets={} silenceFrames={} duplicates={} late={} reanchors={} "
                + "overruns={} recoveredRed={} playableSamples={}", name, packetsWritten, silenceFrames, duplicates,
                late, reanchors, overruns, recovered, writer.playableSamples());
    }

    public boolean started() { return started; }
    /** Estimated wall-clock time (UTC ns) of the first real sample; 0 before the first packet. */
    public long firstSampleWallClockNanos() { return firstSampleWall; }
    /** Wall-clock time (UTC ns) of the file's first playable sample (whole second with padding). */
    public long fileStartWallClockNanos() { return fileStartWall; }
    public int preSkip() { return preSkip; }
    /** Granule after the last packet written (pre-skip included). */
    public long granule() { return writer == null ? 0 : writer.granule(); }
    public long playableSamples() { return writer == null ? 0 : writer.playableSamples(); }
    public long packetsWritten() { return packetsWritten; }
    public long silenceFrames() { return silenceFrames; }
    public long duplicates() { return duplicates; }
    public long latePackets() { return late; }
    public long malformedPackets() { return malformed; }
    public long reanchors() { return reanchors; }
    public long recoveredFromRed() { return recovered; }
    public long skippedHoles() { return skippedHoles; }
    /** Packets dropped because, written, they would have put the file ahead of the wall clock (rule c). */
    public long overruns() { return overruns; }
}
