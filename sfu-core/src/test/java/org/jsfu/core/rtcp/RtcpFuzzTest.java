package org.jsfu.core.rtcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed lengths and random corruption: parsing stops safely, nothing throws. */
class RtcpFuzzTest {
    private static int sample(byte[] b) {
        ReportBlock rb = RtcpRoundTripTest.block(1, 2, 3, 4, 5, 6, 7);
        int p = SenderReport.write(b, 0, 1, Ntp.fromUnixMillis(1), 2, 3, 4, new ReportBlock[] {rb, rb}, 2);
        p += ReceiverReport.write(b, p, 1, new ReportBlock[] {rb}, 1);
        p += Sdes.writeCname(b, p, 1, "abcdefgh".getBytes(StandardCharsets.UTF_8));
        p += Nack.write(b, p, 1, 2, new int[] {1, 2, 3, 30, 31, 400}, 6);
        p += Pli.write(b, p, 1, 2);
        p += Fir.write(b, p, 1, 2, 3);
        p += Remb.write(b, p, 1, 123_456_789, new int[] {1, 2, 3}, 3);
        long[] arrivals = {1000, 2000, TwccFeedback.LOST, 90_000, 80_000};
        p += TwccFeedback.write(b, p, 1, 2, 10, 0, arrivals, arrivals.length);
        p += Bye.write(b, p, new int[] {1}, 1);
        return p;
    }

    /** Runs every parser over every packet the iterator yields. */
    static int parseAll(byte[] b, int off, int len, RtcpIterator it, TwccFeedback twcc, int[] seqs, ReportBlock rb) {
        int packets = 0;
        it.reset(b, off, len);
        while (it.next()) {
            packets++;
            int o = it.offset();
            int l = it.contentLength();
            assertTrue(o >= off && o + it.length() <= off + len);
            switch (it.type()) {
                case Rtcp.SR -> {
                    if (SenderReport.isValid(b, o, l)) {
                        for (int i = 0; i < SenderReport.reportCount(b, o); i++) {
                            SenderReport.readBlock(b, o, i, rb);
                        }
                        SenderReport.ntp(b, o);
                    }
                }
                case Rtcp.RR -> {
                    if (ReceiverReport.isValid(b, o, l)) {
                        for (int i = 0; i < ReceiverReport.reportCount(b, o); i++) {
                            ReceiverReport.readBlock(b, o, i, rb);
                        }
                    }
                }
                case Rtcp.SDES -> Sdes.cname(b, o, l, 1);
                case Rtcp.BYE -> {
                    int n = Bye.ssrcCount(b, o, l);
                    for (int i = 0; i < n; i++) {
                        Bye.ssrc(b, o, i);
                    }
                }
                case Rtcp.RTPFB -> {
                    Nack.parse(b, o, l, seqs);
                    twcc.parse(b, o, l);
                }
                case Rtcp.PSFB -> {
                    Pli.isPli(b, o, l);
                    for (int i = 0; i < Fir.entryCount(b, o, l); i++) {
                        Fir.entrySsrc(b, o, i);
                        Fir.entrySeqNr(b, o, i);
                    }
                    if (Remb.bitrate(b, o, l) >= 0) {
                        for (int i = 0; i < Remb.ssrcCount(b, o); i++) {
                            Remb.ssrc(b, o, i);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return packets;
    }

    @Test
    void validCompoundYieldsEveryPacket() {
        byte[] b = new byte[1500];
        int len = sample(b);
        RtcpIterator it = new RtcpIterator();
        assertTrue(parseAll(b, 0, len, it, new TwccFeedback(64), new int[64], new ReportBlock()) == 9);
        assertTrue(!it.malformed());
        // cut anywhere: fewer packets, flagged malformed unless the cut is on a packet boundary
        for (int cut = 0; cut < len; cut++) {
            parseAll(b, 0, cut, it, new TwccFeedback(64), new int[64], new ReportBlock());
        }
    }

    @Test
    void corruptedLengthsAndBytesNeverThrow() {
        byte[] clean = new byte[1500];
        int len = sample(clean);
        byte[] b = new byte[1500];
        Random r = new Random(20261125L);
        RtcpIterator it = new RtcpIterator();
        TwccFeedback twcc = new TwccFeedback(64);
        int[] seqs = new int[32];
        ReportBlock rb = new ReportBlock();
        for (int iter = 0; iter < 100_000; iter++) {
            System.arraycopy(clean, 0, b, 0, len);
            int flips = 1 + r.nextInt(6);
            for (int f = 0; f < flips; f++) {
                int pos = r.nextInt(len);
                b[pos] = (byte) (r.nextBoolean() ? r.nextInt(256) : b[pos] ^ (1 << r.nextInt(8)));
            }
            int cutLen = r.nextInt(8) == 0 ? r.nextInt(len + 1) : len;
            parseAll(b, 0, cutLen, it, twcc, seqs, rb);
        }
        for (int iter = 0; iter < 50_000; iter++) {
            int n = r.nextInt(200);
            r.nextBytes(b);
            b[0] = (byte) ((b[0] & 0x3f) | 0x80);
            parseAll(b, 0, n, it, twcc, seqs, rb);
        }
        it.reset(b, 10, 2000);
        assertTrue(!it.next() && it.malformed());
    }
}
