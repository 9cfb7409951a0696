package org.jsfu.core.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The counters a long data channel wraps: the TSN (32 bits, RFC 4960 1.6 serial arithmetic, from a
 * random initial TSN that may sit just below 2^32) and a stream's SSN (16 bits, 6.5), which a
 * meeting's reliable channel passes after 65,536 ordered messages.
 */
class SctpWrapTest {
    /** A Random whose first nextInt() is the verification tag and every later one the initial TSN. */
    private static Random initialTsn(int tag, int tsn, long seed) {
        return new Random(seed) {
            private int calls;

            @Override
            public int nextInt() {
                return calls++ == 0 ? tag : tsn;
            }
        };
    }

    private static final class Link {
        final LossyLink link;
        final SctpAssociationTest.Recorder ra = new SctpAssociationTest.Recorder();
        final SctpAssociationTest.Recorder rb = new SctpAssociationTest.Recorder();
        final SctpAssociation a;
        final SctpAssociation b;

        Link(long seed, double loss, long minDelay, long maxDelay, int tsnA, int tsnB) {
            link = new LossyLink(seed, loss, minDelay, maxDelay);
            SctpAssociation.Config cfg = SctpAssociationTest.cfg();
            a = new SctpAssociation(cfg, initialTsn(0x0a0b0c0d, tsnA, seed), link.toB(), ra);
            b = new SctpAssociation(cfg, initialTsn(0x01020304, tsnB, seed + 1), link.toA(), rb);
            link.a = SctpAssociationTest.Pair.endpoint(a);
            link.b = SctpAssociationTest.Pair.endpoint(b);
            a.connect(link.now);
            assertTrue(link.runUntil(() -> a.isEstablished() && b.isEstablished(), 60_000), "handshake");
        }

        /** Sends n ordered reliable messages on one stream, waiting while the send buffer is full. */
        void send(SctpAssociation from, int stream, String prefix, int n) {
            int sent = 0;
            while (sent < n) {
                byte[] m = (prefix + sent).getBytes(StandardCharsets.UTF_8);
                if (from.send(stream, 51, m, 0, m.length, false, -1, link.now)) {
                    sent++;
                } else {
                    link.runUntil(() -> false, 20);
                }
            }
        }
    }

    private static void assertInOrder(SctpAssociationTest.Recorder r, String prefix, int n) {
        assertEquals(n, r.messages.size());
        for (int i = 0; i < n; i++) {
            assertEquals(prefix + i, new String(r.messages.get(i).data(), StandardCharsets.UTF_8), "message " + i);
        }
    }

    @Test
    void bothDirectionsCrossTheTsnWrapOverALossyLink() {
        Link l = new Link(11, 0.1, 2, 30, -40, -7);
        int n = 600;
        l.send(l.a, 1, "a", n);
        l.send(l.b, 1, "b", n);
        assertTrue(l.link.runUntil(() -> l.rb.messages.size() == n && l.ra.messages.size() == n, 600_000),
                "got " + l.rb.messages.size() + " and " + l.ra.messages.size());
        assertInOrder(l.rb, "a", n);
        assertInOrder(l.ra, "b", n);
        assertTrue(l.link.runUntil(() -> l.a.bufferedAmount() == 0 && l.b.bufferedAmount() == 0, 60_000),
                "everything acknowledged across the wrap");
    }

    @Test
    void aStreamsSsnWrapsAfter65536OrderedMessagesInOrderAndReordered() {
        // in order: each message is delivered as it arrives; lossy and reordering: across the wrap some wait
        for (Link l : new Link[] {new Link(12, 0, 5, 5, 12_345, 67_890), new Link(13, 0.02, 2, 30, 1, 2)}) {
            int n = 65_536 + 500;
            l.send(l.a, 0, "m", n);
            assertTrue(l.link.runUntil(() -> l.rb.messages.size() == n, 3_600_000), "got " + l.rb.messages.size());
            assertInOrder(l.rb, "m", n);
        }
    }
}
