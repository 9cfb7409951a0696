package org.jsfu.bench.egress;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.MediaLoop;

/**
 * Plays the publishers: one thread (like the server's UDP receive thread) paces every track's 20 ms
 * frames and hands each packet to the track's room loop with {@link MediaLoop#post}, where the tap is
 * called, as {@code PeerTransport.post} -> {@code UpTrack.onRtp} does in the server (one posted task per
 * datagram, arrival time taken on the receive thread).
 *
 * <p>Per track, as a browser sends: random start phase (0-20 ms), random initial sequence number and
 * timestamp, timestamp +960 per frame whether sent or not, sequence +1 per sent packet; 0.5% loss (the
 * sequence number is consumed); DTX pauses (0.6-2 s every 4-12 s, one 1-byte DTX packet per 400 ms);
 * one mute of 2-4 s (at most a fifth of the run; onMute(true), no packets, onMute(false)) at a random time.
 */
public final class TrackFeeder implements AutoCloseable {
    /** One publisher track. */
    public static final class Sender {
        final RtpTap tap;
        final MediaLoop loop;
        final SplittableRandom rnd;
        long extSeq;
        long extTs;
        long frame;
        long nextDue;
        long firstDue = -1;
        long lastPost;
        long muteStart;
        long muteEnd;
        boolean muted;
        long dtxStart;
        long dtxEnd;
        public long packets;
        public long payloadBytes;
        public long lost;
        public long dtxPackets;
        public boolean stopped;

        Sender(RtpTap tap, MediaLoop loop, long seed) {
            this.tap = tap;
            this.loop = loop;
            this.rnd = new SplittableRandom(seed);
            this.extSeq = rnd.nextInt(65536);
            this.extTs = rnd.nextLong(1L << 32);
        }

        /** nanoTime when the first frame's capture started (its packet was due 20 ms later). */
        public long firstCaptureNanos() { return firstDue - 20_000_000L; }

        public long firstDueNanos() { return firstDue; }

        public RtpTap tap() { return tap; }
    }

    private final OpusFrames frames;
    private final List<Sender> senders;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lateMaxNanos;

    /**
     * @param runNanos how long the run lasts (the mute is placed inside it)
     */
    public TrackFeeder(OpusFrames frames, List<Sender> senders, long runNanos) {
        this.frames = frames;
        this.senders = senders;
        long start = System.nanoTime() + 50_000_000L;
        for (Sender s : senders) {
            s.nextDue = start + s.rnd.nextLong(20_000_000L);
            long muteAt = runNanos / 4 + s.rnd.nextLong(Math.max(1, runNanos / 2));
            s.muteStart = s.nextDue + muteAt;
            s.muteEnd = s.muteStart + Math.min(runNanos / 5, 2_000_000_000L + s.rnd.nextLong(2_000_000_000L));
            s.dtxStart = s.nextDue + 4_000_000_000L + s.rnd.nextLong(8_000_000_000L);
            s.dtxEnd = s.dtxStart + 600_000_000L + s.rnd.nextLong(1_400_000_000L);
        }
        this.thread = new Thread(this::run, "feeder");
        thread.setDaemon(true);
    }

    public static Sender sender(RtpTap tap, MediaLoop loop, long seed) {
        return new Sender(tap, loop, seed);
    }

    public void start() { thread.start(); }

    /** Largest lateness of a packet behind its due time on the feeder thread (ns). */
    public long lateMaxNanos() { return lateMaxNanos; }

    public void resetLate() { lateMaxNanos = 0; }

    private void run() {
        while (running) {
            long now = System.nanoTime();
            for (int i = 0, n = senders.size(); i < n; i++) {
                Sender s = senders.get(i);
                while (!s.stopped && s.nextDue <= now) {
                    frame(s, now);
                }
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private void frame(Sender s, long now) {
        long due = s.nextDue;
        if (now - due > lateMaxNanos) lateMaxNanos = now - due;
        if (s.firstDue < 0) s.firstDue = due;
        long ts = s.extTs;
        s.extTs += 960;
        s.frame++;
        s.nextDue += 20_000_000L;
        if (due >= s.muteStart && due < s.muteEnd) {
            if (!s.muted) {
                s.muted = true;
                RtpTap tap = s.tap;
                s.loop.post(() -> tap.onMute(true, now));
            }
            return;
        }
        if (s.muted) {
            s.muted = false;
            RtpTap tap = s.tap;
            s.loop.post(() -> tap.onMute(false, now));
        }
        byte[] payload;
        if (due >= s.dtxStart && due < s.dtxEnd) {
            if (((due - s.dtxStart) / 20_000_000L) % 20 != 0) return; // one DTX packet per 400 ms
            payload = frames.dtx();
            s.dtxPackets++;
        } else {
            if (due >= s.dtxEnd) { // next pause
                s.dtxStart = due + 4_000_000_000L + s.rnd.nextLong(8_000_000_000L);
                s.dtxEnd = s.dtxStart + 600_000_000L + s.rnd.nextLong(1_400_000_000L);
            }
            payload = frames.tone(s.frame);
        }
        long seq = s.extSeq++;
        if (s.rnd.nextInt(1000) < 5) {
            s.lost++;
            return;
        }
        s.packets++;
        s.payloadBytes += payload.length;
        s.lastPost = now;
        RtpTap tap = s.tap;
        byte[] p = payload;
        s.loop.post(() -> tap.onRtp(p, 0, p.length, ts, seq, now));
    }

    /** Stops sending (the senders keep their counters). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
    }
}
