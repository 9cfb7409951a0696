package org.jsfu.core.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.rtcp.TwccRecorder;
import org.jsfu.core.rtp.RtpHeader;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.transport.PeerTransport;

/**
 * A subscriber PC behind a simulated bottleneck, on a fake clock stepped by 1 ms: a VP8 publisher with
 * three simulcast layers (30 fps, key frames on PLI and every 3 s), an Opus publisher (50 packets/s), one
 * DownTrack each with the subscriber's extensions, a drop-tail FIFO link (capacity settable, 20 ms
 * propagation, {@link #QUEUE_LIMIT_NANOS} of queue), and a receiver that records transport-wide numbers
 * ({@link TwccRecorder}) and sends feedback every 50 ms, 20 ms back to the server's {@link SubscriberRtcp}.
 */
final class DownlinkSimulation {
    static final long MS = 1_000_000L;
    static final long QUEUE_LIMIT_NANOS = 300 * MS;
    static final long PROPAGATION_NANOS = 20 * MS;
    static final int TCC_ID = 3;
    static final int[] LAYER_BPS = {150_000, 500_000, 1_500_000};
    static final int[] LAYER_SSRC = {10, 11, 12};

    final SubscriberRtcp rtcp = new SubscriberRtcp("sub".getBytes(StandardCharsets.UTF_8));
    private final byte[] scratch = new byte[1500 + PeerTransport.TAG_ROOM];
    private final boolean[] keyWanted = new boolean[3];
    final UpTrack video = new UpTrack("TR_v", "PA_p", true, Codec.vp8(96), this::pli, -1);
    final UpTrack audio = new UpTrack("TR_a", "PA_p", false, Codec.opus(111, false), ssrc -> { }, 1);
    final DownTrack videoDown;
    final DownTrack audioDown;
    final List<DownTrack> downs = new ArrayList<>();
    private final TwccRecorder receiver = new TwccRecorder(4096, 1024);
    private final byte[] feedback = new byte[receiver.maxFeedbackLength()];
    private final RtpPacket view = new RtpPacket();
    private final int[] seq = new int[3];
    private int audioSeq;
    private int frame;

    long now = 1_000_000_000L;
    long capacityBps = 10_000_000;
    private long linkFreeAt;
    // packets in flight on the link: arrival time, transport-wide number, SSRC
    private final long[] flightAt = new long[1 << 16];
    private final int[] flightSeq = new int[1 << 16];
    private final int[] flightSsrc = new int[1 << 16];
    private int flightHead;
    private int flightTail;
    // feedback on its way back
    private final List<byte[]> back = new ArrayList<>();
    private final List<Long> backAt = new ArrayList<>();
    long audioSent;
    long audioPublished;
    long dropped;

    DownlinkSimulation() {
        for (int l = 0; l < 3; l++) {
            video.addLayer(l, LAYER_SSRC[l]);
        }
        video.setPublishedSize(1280, 720);
        audio.addLayer(0, 42);
        TrackSubscriber link = new TrackSubscriber() {
            @Override
            public void sendRtp(byte[] b, int off, int len, long index) {
                onSend(b, off, len);
            }

            @Override
            public void removeDownTrack(String trackSid) {
            }
        };
        videoDown = new DownTrack("TR_v", "1", video, link, 96, 0x1111, 0, 0);
        audioDown = new DownTrack("TR_a", "2", audio, link, 111, 0x2222, 0, 0);
        for (DownTrack d : List.of(audioDown, videoDown)) {
            d.negotiated = true;
            d.setHeaderExtensions(TCC_ID, 2, 1, rtcp.bwe.history());
            downs.add(d);
        }
        video.downs.add(videoDown);
        audio.downs.add(audioDown);
    }

    private void pli(int ssrc) {
        for (int l = 0; l < 3; l++) {
            if (LAYER_SSRC[l] == ssrc) {
                keyWanted[l] = true;
            }
        }
    }

    private void onSend(byte[] b, int off, int len) {
        if (RtpHeader.ssrc(b, off) == audioDown.outSsrc) {
            audioSent++;
        }
        if (!view.wrap(b, off, len)) {
            throw new AssertionError("forwarded packet does not parse");
        }
        long ref = view.findExtension(TCC_ID);
        if (ref < 0) {
            throw new AssertionError("no transport-wide number");
        }
        int at = RtpPacket.extOffset(ref);
        int tcc = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
        long start = Math.max(now, linkFreeAt);
        long departure = start + (len + 28L) * 8 * 1_000_000_000L / capacityBps;
        if (departure - now > QUEUE_LIMIT_NANOS) {
            dropped++;
            return;
        }
        linkFreeAt = departure;
        int i = flightTail++ & 0xffff;
        flightAt[i] = departure + PROPAGATION_NANOS;
        flightSeq[i] = tcc;
        flightSsrc[i] = view.ssrc();
    }

    /** Runs for {@code nanos} of simulated time, calling {@code sample} every 100 ms. */
    void run(long nanos, Runnable sample) {
        long end = now + nanos;
        while (now < end) {
            now += MS;
            long ms = now / MS;
            if (ms % 20 == 0) {
                publishAudio();
            }
            if (ms % 33 == 0) {
                publishFrame();
            }
            while (flightHead != flightTail && flightAt[flightHead & 0xffff] <= now) {
                int i = flightHead++ & 0xffff;
                receiver.onPacket(flightSeq[i], flightSsrc[i], flightAt[i]);
            }
            if (ms % 50 == 0) {
                int len;
                while ((len = receiver.writeFeedback(feedback, 0, 77)) > 0) {
                    back.add(java.util.Arrays.copyOf(feedback, len));
                    backAt.add(now + PROPAGATION_NANOS);
                }
            }
            while (!back.isEmpty() && backAt.get(0) <= now) {
                byte[] fb = back.remove(0);
                backAt.remove(0);
                rtcp.onRtcp(fb, 0, fb.length, downs, now, now / MS, scratch);
            }
            if (ms % 500 == 0 && videoDown.waitingForKeyframe()) {
                videoDown.requestKeyframe(now);
            }
            if (ms % 100 == 0 && sample != null) {
                sample.run();
            }
        }
    }

    private void publishAudio() {
        byte[] b = ForwardingTest.rtp(111, audioSeq, 960L * audioSeq, 42, new byte[80], 0);
        audioSeq++;
        audioPublished++;
        view.wrap(b, 0, b.length);
        audio.onRtp(view, 0, now, scratch);
    }

    private void publishFrame() {
        frame++;
        for (int l = 0; l < 3; l++) {
            boolean key = keyWanted[l] || frame % 90 == l * 7;
            keyWanted[l] = false;
            int bytes = LAYER_BPS[l] / 8 / 30 * (key ? 3 : 1);
            int packets = (bytes + 1099) / 1100;
            for (int k = 0; k < packets; k++) {
                int size = Math.min(1100, bytes - k * 1100) + 12;
                byte[] b = SimulcastForwardingTestPackets.vp8(LAYER_SSRC[l], seq[l]++, 3000L * frame, key && k == 0,
                        frame, size);
                view.wrap(b, 0, b.length);
                video.onRtp(view, l, now + l * 100_000L, scratch);
            }
        }
    }
}
