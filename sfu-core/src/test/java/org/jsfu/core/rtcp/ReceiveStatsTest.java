package org.jsfu.core.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReceiveStatsTest {
    private static final long MS = 1_000_000L;

    @Test
    void lossFractionAndCumulativeByHand() {
        ReceiveStats s = new ReceiveStats(9, 48000);
        for (int seq = 100; seq < 110; seq++) {
            if (seq != 102 && seq != 105) {
                s.onPacket(seq, seq * 960L, seq * 20 * MS);
            }
        }
        ReportBlock rb = new ReportBlock();
        s.fillReportBlock(rb, 0);
        // expected 109 - 100 + 1 = 10, received 8: lost 2, fraction (2 << 8) / 10 = 51
        assertEquals(9, rb.ssrc);
        assertEquals(109, rb.extHighestSeq);
        assertEquals(2, rb.cumulativeLost);
        assertEquals(51, rb.fractionLost);
        // next interval: 110..119 all arrive and the late 105 too: 11 received for 10 expected
        s.onPacket(105, 105 * 960L, 2300 * MS);
        for (int seq = 110; seq < 120; seq++) {
            s.onPacket(seq, seq * 960L, seq * 20 * MS + 100 * MS);
        }
        s.fillReportBlock(rb, 0);
        assertEquals(0, rb.fractionLost);
        assertEquals(1, rb.cumulativeLost);
        assertEquals(119, rb.extHighestSeq);
        // interval with no packets
        s.fillReportBlock(rb, 0);
        assertEquals(0, rb.fractionLost);
    }

    @Test
    void extendedHighestAcrossWrapAndDuplicates() {
        ReceiveStats s = new ReceiveStats(1, 90000);
        for (int i = 0; i < 12; i++) {
            s.onPacket((65530 + i) & 0xffff, i * 3000L, i * 33 * MS);
        }
        s.onPacket(65535, 5 * 3000L, 400 * MS); // late duplicate: counted as received, max unchanged
        ReportBlock rb = new ReportBlock();
        s.fillReportBlock(rb, 0);
        assertEquals(65536 + 5, rb.extHighestSeq);
        assertEquals(12, s.expected());
        assertEquals(13, s.received());
        assertEquals(-1, rb.cumulativeLost);
        assertEquals(0, rb.fractionLost);
    }

    @Test
    void sourceRestartAfterTwoSequentialPacketsFarAway() {
        ReceiveStats s = new ReceiveStats(1, 8000);
        s.onPacket(10, 0, 0);
        s.onPacket(11, 160, 20 * MS);
        s.onPacket(40_000, 320, 40 * MS); // big jump: held as probable restart, not counted
        assertEquals(11, s.extendedHighestSeq());
        assertEquals(2, s.received());
        s.onPacket(40_001, 480, 60 * MS); // sequential: restart at 40001 (A.1)
        assertEquals(40_001, s.extendedHighestSeq());
        assertEquals(1, s.received());
        assertEquals(1, s.expected());
    }

    @Test
    void jitterByHandIntegerForm() {
        // 8 kHz, 20 ms packets (160 ticks); RFC 3550 A.8 integer form J += |D| - ((J + 8) >> 4), report J >> 4
        ReceiveStats s = new ReceiveStats(1, 8000);
        s.onPacket(1, 0, 0); // transit 0
        s.onPacket(2, 160, 20 * MS); // transit 0, D 0
        assertEquals(0, s.jitter());
        s.onPacket(3, 320, 45 * MS); // arrival 360 ticks, transit 40, D 40: J16 = 40
        assertEquals(2, s.jitter());
        s.onPacket(4, 480, 60 * MS); // transit 0, D 40: J16 = 40 + 40 - 3 = 77
        assertEquals(4, s.jitter());
        ReportBlock rb = new ReportBlock();
        s.fillReportBlock(rb, 0);
        assertEquals(4, rb.jitter);
    }

    @Test
    void lsrAndDlsrFromLastSenderReport() {
        ReceiveStats s = new ReceiveStats(1, 48000);
        s.onPacket(1, 0, 0);
        ReportBlock rb = new ReportBlock();
        s.fillReportBlock(rb, 900);
        assertEquals(0, rb.lsr);
        assertEquals(0, rb.dlsr);
        long ntp = 0x0123_4567_89AB_CDEFL;
        s.onSenderReport(ntp, 1000);
        s.fillReportBlock(rb, 1500);
        assertEquals(0x4567_89ABL, rb.lsr);
        assertEquals(32768, rb.dlsr); // 0.5 s in 1/65536 s
    }
}
