package org.jsfu.core.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtcpRoundTripTest {
    private final RtcpIterator it = new RtcpIterator();

    static ReportBlock block(int ssrc, int fraction, int lost, long ext, long jitter, long lsr, long dlsr) {
        ReportBlock b = new ReportBlock();
        b.ssrc = ssrc;
        b.fractionLost = fraction;
        b.cumulativeLost = lost;
        b.extHighestSeq = ext;
        b.jitter = jitter;
        b.lsr = lsr;
        b.dlsr = dlsr;
        return b;
    }

    @Test
    void compoundSrSdesByeRoundTrip() {
        byte[] b = new byte[1500];
        long ntp = Ntp.fromUnixMillis(1_700_000_000_123L);
        ReportBlock[] blocks = {block(0x11111111, 25, -3, 0x1_0005L, 77, 0xAABBCCDDL, 65536),
                block(0x22222222, 255, 0x7fffff, 0xFFFFFFFFL, 0, 0, 0)};
        int p = 10;
        int srLen = SenderReport.write(b, p, 0xCAFEBABE, ntp, 0xF0000000L, 1234, 567_890, blocks, 2);
        assertEquals(28 + 48, srLen);
        int sdesLen = Sdes.writeCname(b, p + srLen, 0xCAFEBABE, "user@host".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, sdesLen % 4);
        int byeLen = Bye.write(b, p + srLen + sdesLen, new int[] {0xCAFEBABE, 7}, 2);
        int total = srLen + sdesLen + byeLen;

        it.reset(b, p, total);
        assertTrue(it.next());
        assertEquals(Rtcp.SR, it.type());
        int o = it.offset();
        assertTrue(SenderReport.isValid(b, o, it.length()));
        assertEquals(0xCAFEBABE, SenderReport.ssrc(b, o));
        assertEquals(ntp, SenderReport.ntp(b, o));
        assertEquals(1_700_000_000_123L, Ntp.toUnixMillis(SenderReport.ntp(b, o)));
        assertEquals(0xF0000000L, SenderReport.rtpTimestamp(b, o));
        assertEquals(1234, SenderReport.packetCount(b, o));
        assertEquals(567_890, SenderReport.octetCount(b, o));
        assertEquals(2, SenderReport.reportCount(b, o));
        ReportBlock rb = new ReportBlock();
        SenderReport.readBlock(b, o, 0, rb);
        assertEquals(0x11111111, rb.ssrc);
        assertEquals(25, rb.fractionLost);
        assertEquals(-3, rb.cumulativeLost);
        assertEquals(0x1_0005L, rb.extHighestSeq);
        assertEquals(77, rb.jitter);
        assertEquals(0xAABBCCDDL, rb.lsr);
        assertEquals(65536, rb.dlsr);
        SenderReport.readBlock(b, o, 1, rb);
        assertEquals(255, rb.fractionLost);
        assertEquals(0x7fffff, rb.cumulativeLost);
        assertEquals(0xFFFFFFFFL, rb.extHighestSeq);

        assertTrue(it.next());
        assertEquals(Rtcp.SDES, it.type());
        assertEquals("user@host", Sdes.cname(b, it.offset(), it.length(), 0xCAFEBABE));
        assertNull(Sdes.cname(b, it.offset(), it.length(), 5));

        assertTrue(it.next());
        assertEquals(Rtcp.BYE, it.type());
        assertEquals(2, Bye.ssrcCount(b, it.offset(), it.length()));
        assertEquals(7, Bye.ssrc(b, it.offset(), 1));
        assertFalse(it.next());
        assertFalse(it.malformed());
    }

    @Test
    void receiverReportRoundTrip() {
        byte[] b = new byte[200];
        int len = ReceiverReport.write(b, 0, 42, new ReportBlock[] {block(9, 51, 2, 119, 4, 0x12345678L, 32768)}, 1);
        assertEquals(32, len);
        assertEquals(7, ((b[2] & 0xff) << 8 | (b[3] & 0xff))); // length in words minus one
        assertTrue(ReceiverReport.isValid(b, 0, len));
        assertFalse(ReceiverReport.isValid(b, 0, len - 1));
        assertEquals(42, ReceiverReport.ssrc(b, 0));
        ReportBlock rb = new ReportBlock();
        ReceiverReport.readBlock(b, 0, 0, rb);
        assertEquals(51, rb.fractionLost);
        assertEquals(32768, rb.dlsr);
        // empty RR (RFC 3550 6.4.2 allows RC=0)
        assertEquals(8, ReceiverReport.write(b, 0, 42, new ReportBlock[0], 0));
    }

    @Test
    void ntpConversion() {
        assertEquals(Ntp.UNIX_EPOCH_OFFSET << 32, Ntp.fromUnixMillis(0));
        assertEquals((Ntp.UNIX_EPOCH_OFFSET + 1) << 32 | 0x80000000L, Ntp.fromUnixMillis(1500));
        assertEquals((((Ntp.UNIX_EPOCH_OFFSET + 1) & 0xffff) << 16) | 0x8000L, Ntp.middle32(Ntp.fromUnixMillis(1500)));
    }

    @Test
    void nackBuildParseAcrossWrap() {
        int[] seqs = {65534, 65535, 0, 5, 14, 40, 41, 1000};
        byte[] b = new byte[Nack.maxLength(seqs.length)];
        int len = Nack.write(b, 0, 1, 2, seqs, seqs.length);
        // 65534 covers 65535, 0, 5, 14 (d <= 16); 40 covers 41; 1000 alone
        assertEquals(12 + 3 * 4, len);
        assertEquals(65534, ((b[12] & 0xff) << 8) | (b[13] & 0xff));
        assertEquals(0b1000_0000_0100_0011, ((b[14] & 0xff) << 8) | (b[15] & 0xff));
        assertTrue(Nack.isNack(b, 0, len));
        assertEquals(2, Rtcp.mediaSsrc(b, 0));
        int[] out = new int[64];
        int n = Nack.parse(b, 0, len, out);
        assertArrayEquals(seqs, Arrays.copyOf(out, n));
        // small output array: truncated, no exception
        int[] small = new int[3];
        assertEquals(3, Nack.parse(b, 0, len, small));
        assertArrayEquals(new int[] {65534, 65535, 0}, small);
    }

    @Test
    void pliFirRembRoundTrip() {
        byte[] b = new byte[200];
        int len = Pli.write(b, 0, 1, 0xABCDEF01);
        assertTrue(Pli.isPli(b, 0, len));
        assertFalse(Fir.isFir(b, 0, len));
        assertEquals(0xABCDEF01, Rtcp.mediaSsrc(b, 0));

        len = Fir.write(b, 0, 1, new int[] {100, 200}, new int[] {3, 255}, 2);
        assertEquals(12 + 16, len);
        assertEquals(0, Rtcp.mediaSsrc(b, 0));
        assertEquals(2, Fir.entryCount(b, 0, len));
        assertEquals(200, Fir.entrySsrc(b, 0, 1));
        assertEquals(3, Fir.entrySeqNr(b, 0, 0));
        assertEquals(255, Fir.entrySeqNr(b, 0, 1));
        assertFalse(Pli.isPli(b, 0, len));

        len = Remb.write(b, 0, 1, 1_000_000, new int[] {5, 6}, 2);
        assertEquals(12 + 8 + 8, len);
        assertTrue(Remb.isRemb(b, 0, len));
        assertEquals(1_000_000, Remb.bitrate(b, 0, len));
        assertEquals(2, Remb.ssrcCount(b, 0));
        assertEquals(6, Remb.ssrc(b, 0, 1));
        // 18-bit mantissa: 262143 exactly, larger values lose low bits (rounded down)
        Remb.write(b, 0, 1, 262_143, new int[0], 0);
        assertEquals(262_143, Remb.bitrate(b, 0, 20));
        Remb.write(b, 0, 1, 2_500_001, new int[0], 0);
        long got = Remb.bitrate(b, 0, 20);
        assertTrue(got <= 2_500_001 && got > 2_500_001 - 16, "got " + got);
        assertFalse(Remb.isRemb(b, 0, 19));
    }

    @Test
    void twccHandBuiltVectorParses() {
        // base 100, 5 packets, ref time 1 (64 ms), fb count 9;
        // chunk 1: run length, symbol small delta, run 3 -> 0x2003
        // chunk 2: 2-bit status vector: not received, large delta, (padding symbols 0) -> 0xC000 | 0b00_10 << 10
        byte[] b = {(byte) 0x8f, (byte) 205, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2,
                0, 100, 0, 5, 0, 0, 1, 9,
                0x20, 0x03, (byte) 0xC8, 0x00,
                4, 8, 0, (byte) 0xff, (byte) 0xfc, 0, 0, 0};
        TwccFeedback fb = new TwccFeedback(16);
        assertTrue(fb.parse(b, 0, b.length));
        assertEquals(5, fb.count());
        assertEquals(9, fb.feedbackCount());
        assertEquals(100, fb.seq(0));
        assertEquals(64_000 + 1000, fb.arrivalMicros(0));
        assertEquals(64_000 + 3000, fb.arrivalMicros(1));
        assertEquals(64_000 + 3000, fb.arrivalMicros(2));
        assertFalse(fb.received(3));
        assertEquals(TwccFeedback.LOST, fb.arrivalMicros(3));
        assertEquals(TwccFeedback.LARGE_DELTA, fb.status(4));
        assertEquals(64_000 + 3000 - 1000, fb.arrivalMicros(4));
        assertFalse(new TwccFeedback(4).parse(b, 0, b.length)); // more packets than capacity
    }

    @Test
    void twccBuildParseRoundTrip() {
        long[] arrivals = new long[20];
        long t = 1_000_000;
        for (int i = 0; i < arrivals.length; i++) {
            t += (i % 5 == 0) ? 70_000 : 500 * (i % 3);
            arrivals[i] = (i % 7 == 3) ? TwccFeedback.LOST : t;
        }
        arrivals[10] = arrivals[9] - 2000; // reordered arrival: negative delta
        byte[] b = new byte[200];
        int len = TwccFeedback.write(b, 0, 1, 2, 65530, 3, arrivals, arrivals.length);
        assertTrue(len > 0 && len % 4 == 0);
        RtcpIterator it = new RtcpIterator().reset(b, 0, len);
        assertTrue(it.next());
        TwccFeedback fb = new TwccFeedback(64);
        assertTrue(fb.parse(b, it.offset(), it.length()));
        assertEquals(20, fb.count());
        assertEquals(65530, fb.seq(0));
        assertEquals(3, fb.seq(9));
        for (int i = 0; i < arrivals.length; i++) {
            if (arrivals[i] == TwccFeedback.LOST) {
                assertFalse(fb.received(i));
            } else {
                // the reference time is absolute (64 ms units), deltas are 250 us: arrivals come back floored
                assertEquals(Math.floorDiv(arrivals[i], 250) * 250, fb.arrivalMicros(i), "i=" + i);
            }
        }
    }

    @Test
    void iteratorChecksPadding() {
        byte[] b = new byte[64];
        int len = Pli.write(b, 0, 1, 2);
        // append a padded RR: 8 bytes + 4 padding, P bit set, count 4 in the last byte
        int rr = ReceiverReport.write(b, len, 3, new ReportBlock[0], 0);
        b[len] |= 0x20;
        b[len + 3] = 2; // length 3 words -> 12 bytes
        b[len + rr + 3] = 4;
        it.reset(b, 0, len + 12);
        assertTrue(it.next());
        assertTrue(it.next());
        assertEquals(12, it.length());
        assertEquals(8, it.contentLength());
        assertTrue(ReceiverReport.isValid(b, it.offset(), it.contentLength()));
        assertFalse(it.next());
        assertFalse(it.malformed());
        b[len + rr + 3] = 0; // pad count 0
        it.reset(b, 0, len + 12);
        assertTrue(it.next());
        assertFalse(it.next());
        assertTrue(it.malformed());
        b[len + rr + 3] = 9; // more than the packet minus its header
        it.reset(b, 0, len + 12);
        it.next();
        assertFalse(it.next());
        assertTrue(it.malformed());
        // length field pointing past the end
        b[len + 3] = 20;
        it.reset(b, 0, len + 12);
        it.next();
        assertFalse(it.next());
        assertTrue(it.malformed());
        // wrong version
        b[0] = 0x41;
        assertFalse(it.reset(b, 0, len).next());
        assertTrue(it.malformed());
    }
}
