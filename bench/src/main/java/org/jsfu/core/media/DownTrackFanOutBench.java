package org.jsfu.core.media;

import java.util.Arrays;
import org.jsfu.core.bwe.SendHistory;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.jsfu.core.transport.PeerTransport;

/**
 * The audio fan-out of a room as the media loop runs it, without sockets: {@code P} publishers' opus
 * tracks ({@link UpTrack}), {@code S} subscribers, each with one {@link DownTrack} per track (rewriter,
 * header extensions: transport-wide number from its own {@link SendHistory} of 1024, abs-send-time, audio
 * level), one {@link SrtpSession} (AES-CM unless told otherwise, own keys, one SSRC per track) and the loop's send-time clock
 * ({@link System#nanoTime}). Each publisher packet goes through {@link UpTrack#onRtp} to every DownTrack,
 * which rebuilds, rewrites, protects and hands the datagram to a stand-in for the loop's send batch (a
 * copy into one of 64 slots). Between two fan-outs, {@code E} KB of other memory is written outside the
 * timed part (what the kernel's sends do to the caches of the loop's core), so each fan-out meets the
 * subscribers' state as the server does: evicted from L1/L2. Prints ns per forwarded packet (median and
 * minimum of the rounds). In this package for access to the package-private media classes; it uses
 * only calls that the server's own loop makes.
 *
 * <p>Run: {@code java -cp sfu-core/target/classes:bench/target/classes:<deps> org.jsfu.core.media.DownTrackFanOutBench
 * [subscribers 100] [publishers 5] [evictKB 1024] [rounds 15] [fanOuts 2000] [profile AES_CM_128_HMAC_SHA1_80]} ({@code fanOuts} per round; the JIT
 * warm-up evicts at most 1 MB, so a cold run, e.g. {@code 65536 15 200}, takes seconds, not minutes).
 */
public final class DownTrackFanOutBench {
    static volatile long sink;

    /** One subscriber PC: protects in place and queues the datagram, as WebRtcSession/PeerTransport do. */
    private static final class Sub implements TrackSubscriber {
        final SrtpSession srtp;
        final SendHistory history = new SendHistory(1024);
        final byte[][] batch;
        int slot;

        Sub(SrtpSession srtp, byte[][] batch) {
            this.srtp = srtp;
            this.batch = batch;
        }

        @Override
        public void sendRtp(byte[] b, int off, int len, long index) {
            int n = srtp.protectRtp(b, off, len, index);
            byte[] dst = batch[slot++ & 63];
            System.arraycopy(b, off, dst, 0, n);
            sink += n;
        }

        @Override
        public int touch(int stage) {
            return stage == 0 ? batch.length : srtp.touch(stage - 1);
        }

        @Override
        public long sendClockNanos(long fallback) {
            return System.nanoTime();
        }

        @Override
        public void removeDownTrack(String trackSid) {}
    }

    /** A publisher whose fan-outs read the send clock as the server's do ({@link TrackPublisher#sendClockNanos}). */
    private static final TrackPublisher CLOCKED_PUBLISHER = new TrackPublisher() {
        @Override
        public void sendPli(int mediaSsrc) {}

        @Override
        public long sendClockNanos(long fallback) {
            return System.nanoTime();
        }
    };

    private final UpTrack[] ups;
    private final byte[][] pkts;
    private final RtpPacket[] in;
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final byte[] evict;
    private final byte[] warmEvict;
    private final int subs;
    private final long[] clock = {1_000_000_000L};

    /** Builds the room: {@code subs} subscribers of {@code pubs} tracks; {@code evictKb} written between fan-outs. */
    public DownTrackFanOutBench(int subs, int pubs, int evictKb) {
        this(subs, pubs, evictKb, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }

    /** The same with the subscribers' SRTP profile {@code prof}. */
    public DownTrackFanOutBench(int subs, int pubs, int evictKb, SrtpProfile prof) {
        this.subs = subs;
        byte[][] batch = new byte[64][1500];
        ups = new UpTrack[pubs];
        for (int k = 0; k < pubs; k++) {
            ups[k] = new UpTrack("TR_" + k, "PA_" + k, false, Codec.opus(111, false), CLOCKED_PUBLISHER, 1);
            ups[k].addLayer(0, 0x1000 + k);
        }
        for (int s = 0; s < subs; s++) {
            byte[] key = new byte[prof.keyLength()];
            byte[] salt = new byte[prof.saltLength()];
            Arrays.fill(key, (byte) s);
            Arrays.fill(salt, (byte) (s * 7));
            Sub sub = new Sub(SrtpSession.sender(prof, key, salt), batch);
            for (int k = 0; k < pubs; k++) {
                DownTrack d = new DownTrack("TR_" + k, String.valueOf(k + 1), ups[k], sub, 111,
                        0x2000_0000 + s * 16 + k, s * 31 + k, 1000L * s);
                d.negotiated = true;
                d.setHeaderExtensions(3, 2, 1, sub.history);
                ups[k].downs.add(d);
            }
        }
        pkts = new byte[pubs][];
        in = new RtpPacket[pubs];
        for (int k = 0; k < pubs; k++) {
            pkts[k] = publisherPacket(0x1000 + k);
            in[k] = new RtpPacket();
        }
        evict = new byte[evictKb * 1024];
        warmEvict = evictKb > 1024 ? new byte[1024 * 1024] : evict; // the JIT warm-up need not be cold
    }

    /** Untimed fan-outs for the JIT, evicting at most 1 MB between them. */
    public void warmUp(int fanOuts) {
        round(ups, pkts, in, scratch, warmEvict, fanOuts, clock, null);
    }

    /** {@code fanOuts} fan-outs with the full eviction between them; returns ns per forwarded packet. */
    public double timedRound(int fanOuts) {
        long[] timed = new long[1];
        round(ups, pkts, in, scratch, evict, fanOuts, clock, timed);
        return timed[0] / (double) ((long) fanOuts * subs);
    }

    public static void main(String[] args) {
        int subs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int pubs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int evictKb = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        int fanOuts = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        SrtpProfile prof = args.length > 5 ? SrtpProfile.valueOf(args[5]) : SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        DownTrackFanOutBench b = new DownTrackFanOutBench(subs, pubs, evictKb, prof);
        b.warmUp(22_000);
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ns[r] = b.timedRound(fanOuts);
        }
        Arrays.sort(ns);
        System.out.printf("java %s, %d subscribers x %d publishers, %d KB evicted between fan-outs%n",
                System.getProperty("java.version"), subs, pubs, evictKb);
        System.out.printf("| DownTrack.forward + protect per subscriber | median %.0f ns | min %.0f ns |%n",
                ns[rounds / 2], ns[0]);
    }

    /** Opus-like: one-byte extensions audio level (id 1) and mid (id 4), 80 bytes of payload (RFC 8285 4.2). */
    private static byte[] publisherPacket(int ssrc) {
        byte[] b = new byte[12 + 4 + 8 + 80];
        b[0] = (byte) 0x90;
        b[1] = 111;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 2;
        b[16] = 0x10; // audio level, L=1
        b[17] = (byte) 0x80 | 40;
        b[18] = 0x41; // mid, L=2
        b[19] = '1';
        b[20] = '0';
        for (int i = 24; i < b.length; i++) b[i] = (byte) i;
        return b;
    }

    private static void round(UpTrack[] ups, byte[][] pkts, RtpPacket[] in, byte[] scratch, byte[] evict,
                              int fanOuts, long[] clock, long[] timed) {
        for (int f = 0; f < fanOuts; f++) {
            int k = f % ups.length;
            byte[] b = pkts[k];
            int seq = ((b[2] & 0xff) << 8 | (b[3] & 0xff)) + 1;
            b[2] = (byte) (seq >>> 8);
            b[3] = (byte) seq;
            long ts = ((b[4] & 0xffL) << 24 | (b[5] & 0xff) << 16 | (b[6] & 0xff) << 8 | (b[7] & 0xff)) + 960;
            b[4] = (byte) (ts >>> 24);
            b[5] = (byte) (ts >>> 16);
            b[6] = (byte) (ts >>> 8);
            b[7] = (byte) ts;
            in[k].wrap(b, 0, b.length);
            clock[0] += 4_000_000L;
            long t0 = System.nanoTime();
            ups[k].onRtp(in[k], 0, clock[0], scratch);
            if (timed != null) timed[0] += System.nanoTime() - t0;
            for (int i = 0; i < evict.length; i += 64) evict[i]++;
        }
    }
}
