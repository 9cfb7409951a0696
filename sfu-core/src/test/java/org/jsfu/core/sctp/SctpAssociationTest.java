package org.jsfu.core.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SctpAssociationTest {
    record Msg(int stream, int ppid, byte[] data, boolean unordered) {
    }

    static final class Recorder implements SctpAssociation.Listener {
        final List<Msg> messages = new ArrayList<>();
        boolean established;
        String closed;
        int resets;

        @Override
        public void onEstablished() {
            established = true;
        }

        @Override
        public void onMessage(int stream, int ppid, byte[] data, boolean unordered) {
            messages.add(new Msg(stream, ppid, data, unordered));
        }

        @Override
        public void onIncomingStreamsReset(int[] streams, int count) {
            resets += count;
        }

        @Override
        public void onClosed(String reason) {
            closed = reason;
        }
    }

    static final class Pair {
        final LossyLink link;
        final Recorder ra = new Recorder();
        final Recorder rb = new Recorder();
        final SctpAssociation a;
        final SctpAssociation b;

        Pair(long seed, double loss, long minDelay, long maxDelay, SctpAssociation.Config cfg) {
            link = new LossyLink(seed, loss, minDelay, maxDelay);
            a = new SctpAssociation(cfg, new Random(seed * 31 + 1), link.toB(), ra);
            b = new SctpAssociation(cfg, new Random(seed * 31 + 2), link.toA(), rb);
            link.a = endpoint(a);
            link.b = endpoint(b);
        }

        static LossyLink.Endpoint endpoint(SctpAssociation s) {
            return new LossyLink.Endpoint() {
                @Override
                public void receive(byte[] buf, int off, int len, long nowMs) {
                    s.receive(buf, off, len, nowMs);
                }

                @Override
                public void tick(long nowMs) {
                    s.tick(nowMs);
                }
            };
        }

        void connect() {
            a.connect(link.now);
            assertTrue(link.runUntil(() -> a.isEstablished() && b.isEstablished(), 60_000), "handshake");
        }
    }

    static SctpAssociation.Config cfg() {
        return SctpAssociation.Config.defaults().withRto(300, 100, 3000).withMaxRetransmissions(30);
    }

    @Test
    void handshakeOverCleanLink() {
        Pair p = new Pair(1, 0, 5, 5, cfg());
        p.connect();
        assertTrue(p.ra.established && p.rb.established);
        assertEquals(SctpAssociation.State.ESTABLISHED, p.b.state());
    }

    @Test
    void simultaneousInitCollision() {
        Pair p = new Pair(2, 0, 5, 20, cfg());
        p.a.connect(p.link.now);
        p.b.connect(p.link.now);
        assertTrue(p.link.runUntil(() -> p.a.isEstablished() && p.b.isEstablished(), 10_000));
        byte[] m = "x".getBytes(StandardCharsets.UTF_8);
        assertTrue(p.a.send(1, 51, m, 0, 1, false, -1, p.link.now));
        assertTrue(p.b.send(2, 51, m, 0, 1, false, -1, p.link.now));
        assertTrue(p.link.runUntil(() -> p.ra.messages.size() == 1 && p.rb.messages.size() == 1, 10_000));
    }

    @Test
    void thousandOrderedReliableMessagesOverLossyReorderingLink() {
        Pair p = new Pair(3, 0.1, 5, 40, cfg());
        p.connect();
        int n = 1000;
        int sent = 0;
        while (sent < n) {
            byte[] m = ("message " + sent).getBytes(StandardCharsets.UTF_8);
            if (p.a.send(3, 51, m, 0, m.length, false, -1, p.link.now)) {
                sent++;
            } else {
                p.link.runUntil(() -> false, 50);
            }
        }
        assertTrue(p.link.runUntil(() -> p.rb.messages.size() == n, 600_000), "got " + p.rb.messages.size());
        for (int i = 0; i < n; i++) {
            assertEquals("message " + i, new String(p.rb.messages.get(i).data(), StandardCharsets.UTF_8));
            assertFalse(p.rb.messages.get(i).unordered());
        }
        assertTrue(p.link.lost > 0, "the link lost packets");
        assertTrue(p.link.runUntil(() -> p.a.bufferedAmount() == 0, 60_000), "everything acknowledged");
        assertEquals(0, p.b.receiveBuffered());
    }

    @Test
    void fragmentedLargeMessagesReliableOverLossyLink() {
        Pair p = new Pair(4, 0.05, 2, 30, cfg());
        p.connect();
        List<byte[]> sent = new ArrayList<>();
        Random r = new Random(9);
        for (int i = 0; i < 8; i++) {
            byte[] m = new byte[65536];
            r.nextBytes(m);
            sent.add(m);
            assertTrue(p.a.send(5, 53, m, 0, m.length, false, -1, p.link.now));
        }
        assertTrue(p.link.runUntil(() -> p.rb.messages.size() == 8, 600_000), "got " + p.rb.messages.size());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(sent.get(i), p.rb.messages.get(i).data());
        }
        assertTrue(p.link.runUntil(() -> p.a.bufferedAmount() == 0 && p.b.receiveBuffered() == 0, 60_000));
    }

    @Test
    void unorderedLossyMessagesAreSkippedWithForwardTsnAndLaterOnesStillArrive() {
        Pair p = new Pair(5, 0.2, 2, 30, cfg());
        p.connect();
        int n = 300;
        for (int i = 0; i < n; i++) {
            byte[] m = ("lossy " + i).getBytes(StandardCharsets.UTF_8);
            assertTrue(p.a.send(7, 53, m, 0, m.length, true, 0, p.link.now));
            p.link.runUntil(() -> false, 5);
        }
        p.link.runUntil(() -> false, 20_000);
        int got = p.rb.messages.size();
        assertTrue(got < n && got > n / 2, "some lost, most delivered: " + got);
        assertTrue(p.rb.messages.stream().allMatch(Msg::unordered));
        // Nothing lingers: abandoned chunks were skipped with FORWARD TSN and the window moved on.
        assertEquals(0, p.a.bufferedAmount());
        assertEquals(0, p.b.receiveBuffered());
        // A reliable message afterwards still goes through.
        byte[] m = "after".getBytes(StandardCharsets.UTF_8);
        assertTrue(p.a.send(3, 51, m, 0, m.length, false, -1, p.link.now));
        assertTrue(p.link.runUntil(() -> p.rb.messages.stream()
                .anyMatch(x -> new String(x.data(), StandardCharsets.UTF_8).equals("after")), 60_000));
    }

    @Test
    void orderedPartiallyReliableSkipsSsnsWithoutBlockingTheStream() {
        Pair p = new Pair(6, 0.25, 2, 30, cfg());
        p.connect();
        for (int i = 0; i < 200; i++) {
            byte[] m = ("o" + i).getBytes(StandardCharsets.UTF_8);
            assertTrue(p.a.send(9, 53, m, 0, m.length, false, 0, p.link.now));
            p.link.runUntil(() -> false, 5);
        }
        p.link.runUntil(() -> false, 20_000);
        int last = -1;
        for (Msg x : p.rb.messages) {
            int i = Integer.parseInt(new String(x.data(), StandardCharsets.UTF_8).substring(1));
            assertTrue(i > last, "in order");
            last = i;
        }
        assertTrue(p.rb.messages.size() > 100);
        assertEquals(0, p.b.receiveBuffered());
        assertEquals(0, p.a.bufferedAmount());
    }

    @Test
    void bothDirectionsAndShutdown() {
        Pair p = new Pair(7, 0, 1, 3, cfg());
        p.connect();
        byte[] m = "ping".getBytes(StandardCharsets.UTF_8);
        p.a.send(1, 51, m, 0, 4, false, -1, p.link.now);
        p.b.send(2, 51, m, 0, 4, false, -1, p.link.now);
        assertTrue(p.link.runUntil(() -> p.ra.messages.size() == 1 && p.rb.messages.size() == 1, 1000));
        p.a.shutdown(p.link.now);
        assertTrue(p.link.runUntil(() -> p.ra.closed != null && p.rb.closed != null, 5000));
        assertEquals("shutdown", p.ra.closed);
    }

    @Test
    void abortClosesThePeer() {
        Pair p = new Pair(8, 0, 1, 3, cfg());
        p.connect();
        p.a.abort("bye", p.link.now);
        assertTrue(p.link.runUntil(() -> p.rb.closed != null, 1000));
        assertEquals("peer abort", p.rb.closed);
    }

    @Test
    void unansweredDataAbortsAfterMaxRetransmissions() {
        Pair p = new Pair(9, 0, 1, 3, SctpAssociation.Config.defaults().withRto(100, 100, 200).withMaxRetransmissions(3));
        p.connect();
        p.link.b = new LossyLink.Endpoint() { // the peer vanishes
            @Override
            public void receive(byte[] buf, int off, int len, long nowMs) {
            }

            @Override
            public void tick(long nowMs) {
            }
        };
        p.a.send(1, 51, new byte[10], 0, 10, false, -1, p.link.now);
        assertTrue(p.link.runUntil(() -> p.ra.closed != null, 10_000));
        assertEquals("too many retransmissions", p.ra.closed);
    }

    @Test
    void sendRefusesOversizedMessagesAndFullBuffers() {
        Pair p = new Pair(10, 0, 1, 3, cfg());
        p.connect();
        byte[] big = new byte[cfg().maxMessageSize() + 1];
        assertFalse(p.a.send(1, 53, big, 0, big.length, false, -1, p.link.now));
        byte[] ok = new byte[cfg().maxMessageSize()];
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            if (p.a.send(1, 53, ok, 0, ok.length, false, -1, p.link.now)) {
                accepted++;
            }
        }
        assertTrue(accepted >= 1 && accepted <= cfg().sendBuffer() / ok.length, "accepted " + accepted);
        assertTrue(p.a.bufferedAmount() <= cfg().sendBuffer());
    }

    @Test
    void twentyThousandSmallMessagesStayCheapPerPacket() {
        Pair p = new Pair(13, 0.01, 1, 10, cfg());
        p.connect();
        byte[] m = new byte[20];
        int n = 20_000;
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            for (int i = 0; i < n; ) {
                Chunks.put32(m, 0, i);
                if (p.a.send(4, 53, m, 0, m.length, false, -1, p.link.now)) {
                    i++;
                } else {
                    p.link.runUntil(() -> false, 20); // the send buffer is full: let it drain
                }
            }
            assertTrue(p.link.runUntil(() -> p.rb.messages.size() == n, 600_000), "got " + p.rb.messages.size());
        });
        for (int i = 0; i < n; i++) {
            assertEquals(i, Chunks.i32(p.rb.messages.get(i).data(), 0));
        }
    }
}
