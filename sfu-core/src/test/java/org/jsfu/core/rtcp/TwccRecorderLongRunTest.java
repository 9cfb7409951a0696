package org.jsfu.core.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The transport-wide feedback we send a publisher over a long call (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1): 200k packets, so the 16-bit transport-wide sequence wraps three times, with loss and
 * adjacent reordering. Parsed back, every sequence number is described exactly once, in order, lost
 * exactly when it never arrived, with its arrival time (reference time + deltas) within one 250 us tick
 * of the truth.
 */
class TwccRecorderLongRunTest {
    private static final int PACKETS = 200_000;
    private static final int FIRST = 65_000;

    @Test
    void everyPacketReportedOnceInOrderAcrossThreeWraps() {
        Random rnd = new Random(7);
        TwccRecorder rec = new TwccRecorder();
        TwccFeedback fb = new TwccFeedback(1024);
        byte[] buf = new byte[rec.maxFeedbackLength()];
        long[] arrivalUs = new long[PACKETS]; // by packet index; -1 when lost
        long t = 5_000_000_000L;
        long originNanos = -1;
        long nextExpected = 0; // index of the next packet a feedback must describe
        int lost = 0;
        int reordered = 0;
        int feedbacks = 0;
        for (int group = 0; group < PACKETS / 100; group++) {
            int base = group * 100;
            int[] order = new int[100];
            for (int k = 0; k < 100; k++) {
                order[k] = base + k;
            }
            for (int k = 1; k < 99; k += 2) { // never the group's first packet: it starts the recorder
                if (rnd.nextInt(100) < 3) {
                    int x = order[k];
                    order[k] = order[k + 1];
                    order[k + 1] = x;
                    reordered++;
                }
            }
            for (int k = 0; k < 100; k++) {
                int idx = order[k];
                t += rnd.nextInt(3_000_000); // 0..3 ms between arrivals
                if (idx > 0 && rnd.nextInt(100) < 2) {
                    arrivalUs[idx] = -1;
                    lost++;
                    continue;
                }
                if (originNanos < 0) {
                    originNanos = t;
                }
                arrivalUs[idx] = (t - originNanos) / 1000;
                rec.onPacket((FIRST + idx) & 0xffff, 0x1234, t);
            }
            if (group % 2 == 1) { // feedback after every 200 packets (up to 256 fit one feedback)
                while (rec.pending()) {
                    int len = rec.writeFeedback(buf, 0, 0x77);
                    assertTrue(len > 0, "nothing to skip: the first of each batch arrived or a later one did");
                    assertTrue(fb.parse(buf, 0, len));
                    feedbacks++;
                    assertEquals((FIRST + nextExpected) & 0xffff, fb.baseSeq(), "contiguous with the previous feedback");
                    assertEquals(0x1234, Rtcp.mediaSsrc(buf, 0));
                    for (int i = 0; i < fb.count(); i++) {
                        int idx = (int) nextExpected++;
                        if (arrivalUs[idx] < 0) {
                            assertTrue(!fb.received(i), "lost packet " + idx + " reported lost");
                        } else {
                            assertTrue(fb.received(i), "packet " + idx + " reported received");
                            long err = arrivalUs[idx] - fb.arrivalMicros(i);
                            assertTrue(err >= 0 && err < 250, "arrival of " + idx + " off by " + err + " us");
                        }
                    }
                }
            }
        }
        assertEquals(PACKETS, nextExpected, "every packet described exactly once");
        assertTrue(lost > 3000 && reordered > 1000, "the run had loss and reordering");
        assertTrue(feedbacks >= PACKETS / 256);
    }
}
