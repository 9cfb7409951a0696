package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpRewriterTest {
    private static final int OUT = 0x0A0B0C0D;
    private final RtpPacket view = new RtpPacket();
    private final RtpRewriter rw = new RtpRewriter(OUT, 48000, 1000, 5000, 64);

    /** Runs one source packet through decide + apply on a scratch copy; returns the decision. */
    private long send(int ssrc, long extSeq, long ts, int payloadLen, long nowMs) {
        byte[] src = RtpTestPackets.simple((int) extSeq & 0xffff, ts & 0xffffffffL, ssrc, payloadLen);
        assertTrue(view.wrap(src, 0, src.length));
        long d = rw.decide(view, extSeq, nowMs);
        assertEquals(d, rw.decide(view, extSeq, nowMs)); // decide is pure
        byte[] scratch = src.clone();
        assertTrue(view.wrap(scratch, 0, scratch.length));
        boolean fwd = rw.apply(d, view, extSeq, nowMs);
        assertEquals(RtpRewriter.isForward(d), fwd);
        if (fwd) {
            assertEquals(OUT, RtpHeader.ssrc(scratch, 0));
            assertEquals(RtpRewriter.outSeq(d), RtpHeader.sequence(scratch, 0));
            assertEquals(RtpRewriter.outTimestamp(d), RtpHeader.timestamp(scratch, 0));
        }
        return d;
    }

    @Test
    void continuousAcrossSourceSwitch() {
        for (int i = 0; i < 5; i++) {
            long d = send(111, 70_000 + i, 3_000_000_000L + 960L * i, 40, 20L * i);
            assertEquals(1000 + i, RtpRewriter.outSeq(d));
            assertEquals(5000 + 960L * i, RtpRewriter.outTimestamp(d));
        }
        rw.switchSource(222);
        // old source still flows until the new one shows up
        assertEquals(1005, RtpRewriter.outSeq(send(111, 70_005, 3_000_000_000L + 960L * 5, 40, 100)));
        // new source: unrelated seq/ts; continues at 1006 with ts advanced by 40 ms of wall clock
        long d = send(222, 9, 123_456, 40, 140);
        assertEquals(1006, RtpRewriter.outSeq(d));
        assertEquals(5000 + 960L * 5 + 40 * 48, RtpRewriter.outTimestamp(d));
        d = send(222, 10, 123_456 + 960, 40, 160);
        assertEquals(1007, RtpRewriter.outSeq(d));
        assertEquals(5000 + 960L * 5 + 40 * 48 + 960, RtpRewriter.outTimestamp(d));
        // a late packet of the old source is dropped
        assertEquals(RtpRewriter.DROP_OTHER_SOURCE, RtpRewriter.action(send(111, 70_006, 0, 40, 170)));
        // a late packet of the new source from before the switch point is dropped (its seq is taken)
        assertEquals(RtpRewriter.DROP_TOO_OLD, RtpRewriter.action(send(222, 8, 123_456 - 960, 40, 170)));
        assertEquals(222, rw.sourceSsrc());
    }

    /**
     * A switch given the sources' clock mapping (from sender reports) times the new source by media time:
     * its mapped timestamp when ahead of the last output by at most the wall time since + 1 s; +1 tick when
     * behind by at most 50 ms; the wall clock otherwise, and without a mapping.
     */
    @Test
    void aSwitchWithAClockMappingIsTimedByMediaTime() {
        send(111, 70_000, 3_000_000_000L, 40, 0);
        send(111, 70_001, 3_000_000_960L, 40, 20);
        // source 222's timestamp T is source 111's T + (3_000_000_000 - 4_294_000_000) mod 2^32
        long map = (3_000_000_000L - 4_294_000_000L) & 0xffffffffL;
        rw.switchSource(222, map);
        // the next 20 ms frame of 222 arrives 70 ms late: the wall clock would add 90 ms, media time 20 ms
        long d = send(222, 9, (4_294_000_000L + 1920) & 0xffffffffL, 40, 110);
        assertEquals(1002, RtpRewriter.outSeq(d));
        assertEquals(5000 + 1920, RtpRewriter.outTimestamp(d));
        assertEquals(5000 + 1920 + 960, RtpRewriter.outTimestamp(send(222, 10, (4_294_000_000L + 2880) & 0xffffffffL, 40, 120)));

        // back to 111 with the inverse mapping, at a frame already sent (same instant): one tick on
        rw.switchSource(111, (4_294_000_000L - 3_000_000_000L) & 0xffffffffL);
        d = send(111, 70_003, 3_000_000_000L + 2880, 40, 130);
        assertEquals(5000 + 2880 + 1, RtpRewriter.outTimestamp(d), "not behind the last output");

        // a mapping that puts the new source 2 s ahead (a broken report): wall clock
        rw.switchSource(222, map + 96_000);
        d = send(222, 11, (4_294_000_000L + 3840) & 0xffffffffL, 40, 150);
        assertEquals(5000 + 2880 + 1 + 20 * 48, RtpRewriter.outTimestamp(d));
        // 100 ms behind the last output: wall clock too
        long last = RtpRewriter.outTimestamp(d);
        rw.switchSource(111, (4_294_000_000L - 3_000_000_000L - 4800) & 0xffffffffL);
        d = send(111, 70_004, 3_000_000_000L + 3840, 40, 170);
        assertEquals(last + 20 * 48, RtpRewriter.outTimestamp(d));
        // no mapping: wall clock
        rw.switchSource(222);
        d = send(222, 12, 0, 40, 200);
        assertEquals(last + 20 * 48 + 30 * 48, RtpRewriter.outTimestamp(d));
    }

    /**
     * A mapped switch whose output timestamps straddle the 32-bit wrap (RFC 3550 5.1: timestamps wrap; the
     * distance is taken as signed 32 bits): still timed by media time, ahead or one tick on.
     */
    @Test
    void aMappedSwitchAcrossTheOutputTimestampWrap() {
        RtpRewriter r = new RtpRewriter(OUT, 48000, 1000, 0x1_0000_0000L - 1000, 64);
        long map = (3_000_000_000L - 4_294_000_000L) & 0xffffffffL;
        long d = send(r, 111, 70_000, 3_000_000_000L, 0);
        assertEquals(0x1_0000_0000L - 1000, RtpRewriter.outTimestamp(d));
        d = send(r, 111, 70_001, 3_000_000_960L, 20);
        assertEquals(0x1_0000_0000L - 40, RtpRewriter.outTimestamp(d), "40 ticks before the wrap");
        r.switchSource(222, map);
        // the next frame 70 ms late: media time says +960 (past the wrap), the wall clock would say +4320
        d = send(r, 222, 9, (4_294_000_000L + 1920) & 0xffffffffL, 110);
        assertEquals(920, RtpRewriter.outTimestamp(d));
        // back at a frame already sent: one tick on, across the wrap again from the other side
        r.switchSource(111, (4_294_000_000L - 3_000_000_000L) & 0xffffffffL);
        d = send(r, 111, 70_002, 3_000_000_000L + 1920, 120);
        assertEquals(921, RtpRewriter.outTimestamp(d));
    }

    private long send(RtpRewriter r, int ssrc, long extSeq, long ts, long nowMs) {
        byte[] src = RtpTestPackets.simple((int) extSeq & 0xffff, ts & 0xffffffffL, ssrc, 40);
        assertTrue(view.wrap(src, 0, src.length));
        long d = r.decide(view, extSeq, nowMs);
        assertTrue(r.apply(d, view, extSeq, nowMs));
        return d;
    }

    /** NACKed output sequences map to their own source across a switch, with that segment's timestamp. */
    @Test
    void nacksMapAcrossASwitchToTheOldSource() {
        send(111, 70_000, 3_000_000_000L, 40, 0);
        send(111, 70_001, 3_000_000_960L, 40, 20);
        rw.switchSource(222);
        send(222, 9, 123_456, 40, 40);
        assertEquals(70_001, rw.sourceSeqFor(1001));
        assertEquals(111, rw.sourceSsrcFor(1001));
        assertEquals(9, rw.sourceSeqFor(1002));
        assertEquals(222, rw.sourceSsrcFor(1002));
        byte[] old = RtpTestPackets.simple(70_001 & 0xffff, 3_000_000_960L, 111, 40);
        assertTrue(view.wrap(old, 0, old.length));
        long d = rw.decideRetransmitAt(view, 1001);
        assertTrue(RtpRewriter.isForward(d));
        assertEquals(1001, RtpRewriter.outSeq(d));
        assertEquals(5960, RtpRewriter.outTimestamp(d), "the old segment's timestamp offset");
        assertTrue(rw.apply(d, view, 70_001, 60));
        assertEquals(OUT, RtpHeader.ssrc(old, 0));
        byte[] wrong = RtpTestPackets.simple(70_001 & 0xffff, 3_000_000_960L, 222, 40);
        assertTrue(view.wrap(wrong, 0, wrong.length));
        assertFalse(RtpRewriter.isForward(rw.decideRetransmitAt(view, 1001)), "not the packet behind 1001");
        assertEquals(1002, rw.outHighest() & 0xffff, "a retransmission does not move the stream");
    }

    @Test
    void pauseAndResumeAdvanceTimestampByWallClock() {
        send(111, 1, 100, 40, 0);
        send(111, 2, 1060, 40, 20);
        rw.pause();
        assertEquals(RtpRewriter.DROP_PAUSED, RtpRewriter.action(send(111, 3, 2020, 40, 40)));
        assertEquals(RtpRewriter.DROP_PAUSED, RtpRewriter.action(send(111, 4, 2980, 40, 60)));
        rw.resume();
        long d = send(111, 500, 100 + 960L * 499, 40, 5020); // 5 s later
        assertEquals(1002, RtpRewriter.outSeq(d));
        assertEquals(5000 + 960 + 5000L * 48, RtpRewriter.outTimestamp(d));
        d = send(111, 501, 100 + 960L * 500, 40, 5040);
        assertEquals(1003, RtpRewriter.outSeq(d));
        assertEquals(5000 + 960 + 5000L * 48 + 960, RtpRewriter.outTimestamp(d));
    }

    @Test
    void reorderedPacketsKeepTheirPlaceAndDuplicatesAreDropped() {
        send(111, 10, 0, 40, 0);
        send(111, 11, 960, 40, 20);
        long d14 = send(111, 14, 960 * 4, 40, 80); // 12 and 13 missing
        assertEquals(1004, RtpRewriter.outSeq(d14));
        long d12 = send(111, 12, 960 * 2, 40, 85);
        assertEquals(RtpRewriter.FORWARD, RtpRewriter.action(d12));
        assertEquals(1002, RtpRewriter.outSeq(d12));
        assertEquals(5000 + 960 * 2, RtpRewriter.outTimestamp(d12));
        assertEquals(RtpRewriter.DROP_DUPLICATE, RtpRewriter.action(send(111, 12, 960 * 2, 40, 86)));
        assertEquals(RtpRewriter.DROP_DUPLICATE, RtpRewriter.action(send(111, 14, 960 * 4, 40, 86)));
        assertEquals(1003, RtpRewriter.outSeq(send(111, 13, 960 * 3, 40, 90)));
        assertEquals(1005, RtpRewriter.outSeq(send(111, 15, 960 * 5, 40, 100)));
        // beyond the window (64): too old
        send(111, 200, 960 * 190, 40, 3000);
        assertEquals(RtpRewriter.DROP_TOO_OLD, RtpRewriter.action(send(111, 16, 960 * 6, 40, 3001)));
    }

    @Test
    void paddingOnlyPacketsAreHiddenAndNackMapsBack() {
        send(111, 10, 0, 40, 0);
        assertEquals(RtpRewriter.DROP_PADDING, RtpRewriter.action(send(111, 11, 0, 0, 1)));
        assertEquals(RtpRewriter.DROP_PADDING, RtpRewriter.action(send(111, 12, 0, 0, 2)));
        assertEquals(1001, RtpRewriter.outSeq(send(111, 13, 960, 40, 20)));
        assertEquals(1003, RtpRewriter.outSeq(send(111, 15, 960 * 3, 40, 60))); // 14 lost
        assertEquals(13, rw.sourceSeqFor(1001));
        assertEquals(14, rw.sourceSeqFor(1002)); // the lost one: its output seq is reserved
        assertEquals(10, rw.sourceSeqFor(1000));
        assertEquals(RtpRewriter.UNKNOWN, rw.sourceSeqFor(1004));
        assertEquals(RtpRewriter.UNKNOWN, rw.sourceSeqFor(500));

        // retransmission of 13 from the ring gets its original output header, even though sent already
        byte[] pkt = RtpTestPackets.simple(13, 960, 111, 40);
        assertTrue(view.wrap(pkt, 0, pkt.length));
        long d = rw.decideRetransmit(view, 13);
        assertTrue(RtpRewriter.isForward(d));
        assertEquals(1001, RtpRewriter.outSeq(d));
        assertEquals(5960, RtpRewriter.outTimestamp(d));
        assertTrue(rw.apply(d, view, 13, 70));
        assertEquals(1001, view.sequence());
        assertEquals(OUT, view.ssrc());
        byte[] pad = RtpTestPackets.simple(11, 0, 111, 0);
        assertTrue(view.wrap(pad, 0, pad.length));
        assertFalse(RtpRewriter.isForward(rw.decideRetransmit(view, 11))); // a dropped padding packet
        byte[] p14 = RtpTestPackets.simple(14, 960 * 2, 111, 40);
        assertTrue(view.wrap(p14, 0, p14.length));
        assertEquals(1002, RtpRewriter.outSeq(rw.decideRetransmit(view, 14)));
    }

    @Test
    void outputSequenceWrapsOnTheWire() {
        RtpRewriter r = new RtpRewriter(OUT, 90000, 65534, 0, 64);
        for (int i = 0; i < 4; i++) {
            byte[] pkt = RtpTestPackets.simple(1 + i, 3000L * i, 5, 10);
            view.wrap(pkt, 0, pkt.length);
            long d = r.decide(view, 1 + i, i);
            assertTrue(r.apply(d, view, 1 + i, i));
            assertEquals((65534 + i) & 0xffff, view.sequence());
        }
        assertEquals(2, r.sourceSeqFor(65535));
        assertEquals(3, r.sourceSeqFor(0));
    }

    @Test
    void switchBackBeforeTheNewSourceArrivedCancelsTheSwitch() {
        send(111, 1, 100, 40, 0);
        rw.switchSource(222);
        rw.switchSource(111);
        long d = send(111, 2, 1060, 40, 1000); // no resync: offset kept, timestamp not re-based
        assertEquals(1001, RtpRewriter.outSeq(d));
        assertEquals(5000 + 960, RtpRewriter.outTimestamp(d));
        assertEquals(RtpRewriter.DROP_OTHER_SOURCE, RtpRewriter.action(send(222, 50, 0, 40, 1001)));
    }

    @Test
    void firstPacketFixesTheSourceAndPaddingNeverStartsAStream() {
        assertEquals(RtpRewriter.DROP_PADDING, RtpRewriter.action(send(111, 1, 100, 0, 0)));
        assertEquals(RtpRewriter.UNKNOWN, rw.sourceSeqFor(1000));
        long d = send(111, 2, 1060, 40, 20);
        assertEquals(1000, RtpRewriter.outSeq(d));
        assertEquals(5000, RtpRewriter.outTimestamp(d));
        assertEquals(RtpRewriter.DROP_OTHER_SOURCE, RtpRewriter.action(send(333, 3, 0, 40, 30)));
    }
}
