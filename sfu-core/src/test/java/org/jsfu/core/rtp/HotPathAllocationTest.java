package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.jsfu.core.buffer.BufferPool;
import org.jsfu.core.rtcp.Nack;
import org.jsfu.core.rtcp.NackGenerator;
import org.jsfu.core.rtcp.NackTranslator;
import org.jsfu.core.rtcp.ReceiveStats;
import org.jsfu.core.rtcp.ReportBlock;
import org.jsfu.core.rtcp.RtcpIterator;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path (wrap, extension lookup, unwrap, stats, NACK bookkeeping, ring, rewrite, RTCP
 * iteration) allocates nothing once warm: measured with the JVM's per-thread allocation counter.
 */
class HotPathAllocationTest {
    private final BufferPool pool = new BufferPool(16);
    private final RtpPacket view = new RtpPacket();
    private final SeqUnwrapper seqs = new SeqUnwrapper();
    private final TsUnwrapper tss = new TsUnwrapper();
    private final PacketRing ring = new PacketRing(512, BufferPool.MTU);
    private final RtpRewriter[] subs = {new RtpRewriter(1, 48000, 10, 20, 256), new RtpRewriter(2, 48000, 30, 40, 256)};
    private final ReceiveStats stats = new ReceiveStats(5, 48000);
    private final NackGenerator nacks = new NackGenerator();
    private final SpeakerDetector speakers = new SpeakerDetector();
    private final SpeakerDetector.Track track = speakers.addTrack("t");
    private final RtcpIterator it = new RtcpIterator();
    private final int[] nackSeqs = new int[64];
    private final long[] srcSeqs = new long[64];
    private final byte[] rtcp = new byte[256];
    private final ReportBlock rb = new ReportBlock();
    private final byte[] template;
    private long sink;

    HotPathAllocationTest() {
        byte[] ext = RtpTestPackets.bytes(0x10, 0x9e, 0, 0);
        template = RtpTestPackets.packet(111, 0, 0, 5, false, new int[0], ext, RtpPacket.PROFILE_ONE_BYTE, new byte[80], 0);
    }

    private void onePacket(int i) {
        byte[] in = pool.take();
        System.arraycopy(template, 0, in, 0, template.length);
        if (i % 17 != 3) { // some loss
            RtpHeader.setSequence(in, 0, i);
            RtpHeader.setTimestamp(in, 0, 960L * i);
            if (view.wrap(in, 0, template.length)) {
                long ext = seqs.unwrap(view.sequence());
                sink += tss.unwrap(view.timestamp());
                stats.onPacket(view.sequence(), view.timestamp(), i * 20_000_000L);
                nacks.onPacket(ext, i * 20L);
                int level = AudioLevel.read(view, 1);
                track.observe(AudioLevel.level(level));
                ring.put(ext, in, 0, template.length);
                for (RtpRewriter rw : subs) {
                    long d = rw.decide(view, ext, i * 20L);
                    byte[] out = pool.take();
                    System.arraycopy(in, 0, out, 0, template.length);
                    RtpPacket sv = view;
                    sv.wrap(out, 0, template.length);
                    sink += rw.apply(d, sv, ext, i * 20L) ? 1 : 0;
                    pool.give(out);
                    view.wrap(in, 0, template.length);
                }
            }
        }
        pool.give(in);
        if (i % 10 == 0) {
            int n = nacks.collect(i * 20L, 50, nackSeqs);
            if (n > 0) {
                int len = Nack.write(rtcp, 0, 1, 5, nackSeqs, n);
                it.reset(rtcp, 0, len);
                while (it.next()) {
                    sink += NackTranslator.toSource(rtcp, it.offset(), it.length(), subs[0], nackSeqs, srcSeqs);
                }
            }
            stats.fillReportBlock(rb, i * 20L);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 200_000; i++) {
            onePacket(i & 0xffff);
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 200_000; i < 400_000; i++) {
            onePacket(i & 0xffff);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // 200k packets: anything per packet would be megabytes; allow a little for the counter itself
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes");
        assertTrue(sink != 0);
    }
}
