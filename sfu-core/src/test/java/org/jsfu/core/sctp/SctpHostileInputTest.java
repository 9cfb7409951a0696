package org.jsfu.core.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** security-notes.md, SCTP: malformed packets are dropped whole, bounded work, bounded memory. */
class SctpHostileInputTest {
    private final Crc32cChecksum crc = new Crc32cChecksum();

    private SctpAssociationTest.Pair established() {
        SctpAssociationTest.Pair p = new SctpAssociationTest.Pair(42, 0, 1, 2, SctpAssociationTest.cfg());
        p.connect();
        return p;
    }

    /** B's verification tag, as A writes it in every packet. */
    private static int tagOfB(SctpAssociationTest.Pair p) {
        byte[] last = p.link.sentToB.get(p.link.sentToB.size() - 1);
        return Chunks.i32(last, 4);
    }

    private byte[] packet(int vtag, byte[]... chunks) {
        int len = 12;
        for (byte[] c : chunks) {
            len += Chunks.padded(c.length);
        }
        byte[] b = new byte[len];
        Chunks.put16(b, 0, 5000);
        Chunks.put16(b, 2, 5000);
        Chunks.put32(b, 4, vtag);
        int o = 12;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, b, o, c.length);
            o += Chunks.padded(c.length);
        }
        crc.write(b, 0, b.length);
        return b;
    }

    private static byte[] data(int tsn, int stream, int ssn, int flags, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[16 + t.length];
        c[0] = Chunks.DATA;
        c[1] = (byte) flags;
        Chunks.put16(c, 2, c.length);
        Chunks.put32(c, 4, tsn);
        Chunks.put16(c, 8, stream);
        Chunks.put16(c, 10, ssn);
        Chunks.put32(c, 12, 51);
        System.arraycopy(t, 0, c, 16, t.length);
        return c;
    }

    /** The next TSN B expects from A: A's first DATA chunk's TSN is its initial TSN; send one to learn it. */
    private static int nextTsnFromA(SctpAssociationTest.Pair p) {
        byte[] m = "probe".getBytes(StandardCharsets.UTF_8);
        p.a.send(0, 51, m, 0, m.length, false, -1, p.link.now);
        p.link.runUntil(() -> p.rb.messages.size() == 1, 1000);
        List<byte[]> sent = p.link.sentToB;
        for (int i = sent.size() - 1; i >= 0; i--) {
            byte[] pk = sent.get(i);
            if (pk.length > 12 && pk[12] == Chunks.DATA) {
                return Chunks.i32(pk, 16) + 1;
            }
        }
        throw new AssertionError("no DATA seen");
    }

    @Test
    void zeroLengthChunkIsRejectedWithoutLooping() {
        SctpAssociationTest.Pair p = established();
        byte[] zero = new byte[8]; // a chunk header claiming length 0
        zero[0] = Chunks.HEARTBEAT;
        byte[] pk = packet(tagOfB(p), zero);
        Chunks.put16(pk, 14, 0);
        crc.write(pk, 0, pk.length);
        long before = p.b.invalidPackets();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> p.b.receive(pk, 0, pk.length, p.link.now));
        assertEquals(before + 1, p.b.invalidPackets());
        // length 2 (below the 4-byte header) likewise
        Chunks.put16(pk, 14, 2);
        crc.write(pk, 0, pk.length);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> p.b.receive(pk, 0, pk.length, p.link.now));
        assertEquals(before + 2, p.b.invalidPackets());
    }

    @Test
    void chunkLengthPastThePacketDropsThePacket() {
        SctpAssociationTest.Pair p = established();
        int tsn = nextTsnFromA(p);
        byte[] c = data(tsn, 0, 1, Chunks.FLAG_BEGIN | Chunks.FLAG_END, "hello");
        byte[] pk = packet(tagOfB(p), c);
        Chunks.put16(pk, 14, 400);
        crc.write(pk, 0, pk.length);
        p.b.receive(pk, 0, pk.length, p.link.now);
        assertEquals(1, p.rb.messages.size(), "only the probe");
        // the same chunk with a correct length is delivered (the test packet itself is valid)
        byte[] good = packet(tagOfB(p), c);
        p.b.receive(good, 0, good.length, p.link.now);
        assertEquals("hello", new String(p.rb.messages.get(1).data(), StandardCharsets.UTF_8));
    }

    @Test
    void badChecksumAndWrongTagAreDropped() {
        SctpAssociationTest.Pair p = established();
        int tsn = nextTsnFromA(p);
        byte[] pk = packet(tagOfB(p), data(tsn, 0, 1, 3, "x"));
        pk[pk.length - 1] ^= 1;
        p.b.receive(pk, 0, pk.length, p.link.now);
        byte[] wrongTag = packet(tagOfB(p) + 1, data(tsn, 0, 1, 3, "x"));
        p.b.receive(wrongTag, 0, wrongTag.length, p.link.now);
        assertEquals(1, p.rb.messages.size());
        assertEquals(2, p.b.invalidPackets());
    }

    @Test
    void sackGapCountLargerThanTheChunkIsIgnored() {
        SctpAssociationTest.Pair p = established();
        byte[] m = "q".getBytes(StandardCharsets.UTF_8);
        // B has data outstanding towards A; a forged SACK into B with 65535 gap blocks in 16 bytes.
        p.link.b = new LossyLink.Endpoint() {
            @Override
            public void receive(byte[] buf, int off, int len, long nowMs) {
            }

            @Override
            public void tick(long nowMs) {
            }
        };
        p.a.send(0, 51, m, 0, 1, false, -1, p.link.now);
        byte[] sack = new byte[16];
        sack[0] = Chunks.SACK;
        Chunks.put16(sack, 2, 16);
        Chunks.put16(sack, 12, 0xffff);
        Chunks.put16(sack, 14, 0xffff);
        byte[] pk = packet(tagOfA(p), sack);
        long before = p.a.invalidPackets();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> p.a.receive(pk, 0, pk.length, p.link.now));
        assertEquals(before + 1, p.a.invalidPackets());
        assertEquals(1 + SendQueue.OVERHEAD, p.a.bufferedAmount());
    }

    private static int tagOfA(SctpAssociationTest.Pair p) {
        // A's tag is the vtag B uses: B answered INIT with INIT ACK whose initiate tag is B's; A's own
        // tag is in A's INIT (the first packet A sent), at offset 12 + 4.
        return Chunks.i32(p.link.sentToB.get(0), 16);
    }

    @Test
    void dataFarAboveTheWindowAndEndlessFragmentsStayBounded() {
        SctpAssociationTest.Pair p = established();
        int tsn = nextTsnFromA(p);
        int tag = tagOfB(p);
        byte[] far = packet(tag, data(tsn + ReceiveBuffer.WINDOW + 10, 0, 1, 3, "far"));
        p.b.receive(far, 0, far.length, p.link.now);
        String kb = "x".repeat(1100);
        int cap = SctpAssociationTest.cfg().receiveBuffer() + SctpAssociationTest.cfg().maxMessageSize();
        // middle fragments only: never complete, never delivered
        for (int i = 0; i < 3000; i++) {
            byte[] pk = packet(tag, data(tsn + 1 + i, 1, 0, 0, kb));
            p.b.receive(pk, 0, pk.length, p.link.now);
            assertTrue(p.b.receiveBuffered() <= cap);
        }
        assertEquals(1, p.rb.messages.size(), "only the probe");
        int window = SctpAssociationTest.cfg().receiveBuffer();
        assertTrue(p.b.receiveBuffered() > window - 2 * 1200 && p.b.receiveBuffered() <= window,
                "in-order chunks fill the window and no more: " + p.b.receiveBuffered());
    }

    @Test
    void streamReconfigFloodIsAnsweredWithBoundedWork() {
        SctpAssociationTest.Pair p = established();
        int tag = tagOfB(p);
        int sentBefore = p.link.sentToB.size();
        int reqSeq = tagOfAInitialTsn(p);
        for (int i = 0; i < 5000; i++) {
            // five params of which at most four are processed, each listing 600 streams
            byte[][] params = new byte[5][];
            int len = 4;
            for (int k = 0; k < 5; k++) {
                byte[] q = new byte[16 + 2 * 600];
                Chunks.put16(q, 0, Chunks.PARAM_OUTGOING_RESET);
                Chunks.put16(q, 2, q.length);
                Chunks.put32(q, 4, reqSeq + i * 5 + k);
                for (int s = 0; s < 600; s++) {
                    Chunks.put16(q, 16 + 2 * s, s);
                }
                params[k] = q;
                len += q.length;
            }
            byte[] c = new byte[len];
            c[0] = (byte) Chunks.RE_CONFIG;
            Chunks.put16(c, 2, len);
            int o = 4;
            for (byte[] q : params) {
                System.arraycopy(q, 0, c, o, q.length);
                o += q.length;
            }
            byte[] pk = packet(tag, c);
            p.b.receive(pk, 0, pk.length, p.link.now);
        }
        p.link.runUntil(() -> false, 100);
        assertTrue(p.rb.resets > 0 && p.rb.resets <= 5000 * 4 * 256, "resets " + p.rb.resets);
        assertEquals(SctpAssociation.State.ESTABLISHED, p.b.state());
        assertTrue(p.link.sentToB.size() >= sentBefore);
        // still works
        byte[] m = "after".getBytes(StandardCharsets.UTF_8);
        p.a.send(2, 51, m, 0, m.length, false, -1, p.link.now);
        assertTrue(p.link.runUntil(() -> p.rb.messages.size() == 1, 5000));
    }

    /** The first reconfiguration request number is the sender's initial TSN (RFC 6525 5.1.1). */
    private static int tagOfAInitialTsn(SctpAssociationTest.Pair p) {
        return Chunks.i32(p.link.sentToB.get(0), 12 + 16);
    }

    @Test
    void randomFuzzNeverThrowsAndStaysBounded() {
        SctpAssociationTest.Pair p = established();
        byte[] m = new byte[3000];
        for (int i = 0; i < 50; i++) {
            p.a.send(i % 3, 53, m, 0, m.length, i % 2 == 0, i % 4 == 0 ? 0 : -1, p.link.now);
            p.link.runUntil(() -> false, 5);
        }
        p.link.runUntil(() -> false, 2000);
        List<byte[]> corpus = List.copyOf(p.link.sentToB);
        Random r = new Random(7);
        SctpAssociation.Config cfg = SctpAssociationTest.cfg();
        for (int round = 0; round < 20000; round++) {
            byte[] base = corpus.get(r.nextInt(corpus.size()));
            byte[] f = java.util.Arrays.copyOf(base, Math.max(12, base.length + r.nextInt(9) - 4));
            int flips = 1 + r.nextInt(6);
            for (int k = 0; k < flips; k++) {
                f[12 + r.nextInt(Math.max(1, f.length - 12)) % Math.max(1, f.length - 12)] = (byte) r.nextInt(256);
            }
            if (f.length >= 16 && r.nextBoolean()) {
                crc.write(f, 0, f.length); // half the time past the checksum
            }
            try {
                p.b.receive(f, 0, f.length, p.link.now);
                p.b.tick(p.link.now);
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + " threw", e);
            }
            assertTrue(p.b.receiveBuffered() <= cfg.receiveBuffer() + cfg.maxMessageSize());
            assertTrue(p.b.bufferedAmount() <= cfg.sendBuffer());
            p.link.now++;
        }
        // and purely random bytes with a valid checksum and B's tag
        int tag = tagOfB(p);
        for (int round = 0; round < 20000; round++) {
            byte[] f = new byte[16 + r.nextInt(200)];
            r.nextBytes(f);
            Chunks.put32(f, 4, tag);
            crc.write(f, 0, f.length);
            p.b.receive(f, 0, f.length, p.link.now);
        }
        assertTrue(p.b.receiveBuffered() <= cfg.receiveBuffer() + cfg.maxMessageSize());
    }

    @Test
    void orderedMessagesAheadOfAMissingSsnStayBounded() {
        SctpAssociationTest.Pair p = established();
        int tsn = nextTsnFromA(p);
        int tag = tagOfB(p);
        int cap = SctpAssociationTest.cfg().receiveBuffer() + SctpAssociationTest.cfg().maxMessageSize();
        // SSN 0 on stream 1 (TSN tsn) is lost: every later tiny message waits behind it, within the TSN
        // window and the byte window (charged per message).
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] pk = packet(tag, data(tsn + 1 + accepted, 1, 1 + i, Chunks.FLAG_BEGIN | Chunks.FLAG_END, "x"));
            int before = p.b.receiveBuffered();
            p.b.receive(pk, 0, pk.length, p.link.now);
            if (p.b.receiveBuffered() > before) {
                accepted++;
            }
            assertTrue(p.b.receiveBuffered() <= cap);
        }
        assertTrue(accepted > 1000 && accepted <= ReceiveBuffer.WINDOW, "accepted " + accepted);
        assertEquals(1, p.rb.messages.size(), "only the probe");
        // SSN 0 is retransmitted: it fills the gap, everything drains in order and the buffer empties.
        byte[] first = packet(tag, data(tsn, 1, 0, Chunks.FLAG_BEGIN | Chunks.FLAG_END, "first"));
        p.b.receive(first, 0, first.length, p.link.now);
        assertEquals(1 + 1 + accepted, p.rb.messages.size());
        assertEquals("first", new String(p.rb.messages.get(1).data(), StandardCharsets.UTF_8));
        assertEquals(0, p.b.receiveBuffered());
    }

    @Test
    void overlappingSackGapBlocksCostBoundedWork() {
        SctpAssociationTest.Pair p = established();
        p.link.b = new LossyLink.Endpoint() {
            @Override
            public void receive(byte[] buf, int off, int len, long nowMs) {
            }

            @Override
            public void tick(long nowMs) {
            }
        };
        byte[] m = new byte[1];
        for (int i = 0; i < 10_000; i++) {
            p.a.send(0, 53, m, 0, 1, false, -1, p.link.now);
        }
        int n = 256;
        byte[] sack = new byte[16 + 4 * n];
        sack[0] = Chunks.SACK;
        Chunks.put16(sack, 2, sack.length);
        Chunks.put32(sack, 4, tagOfAInitialTsn(p) - 1);
        Chunks.put32(sack, 8, 1 << 20);
        Chunks.put16(sack, 12, n);
        for (int i = 0; i < n; i++) {
            Chunks.put16(sack, 16 + 4 * i, 2);
            Chunks.put16(sack, 18 + 4 * i, 0xffff);
        }
        byte[] pk = packet(tagOfA(p), sack);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 1000; i++) {
                p.a.receive(pk, 0, pk.length, p.link.now);
            }
        });
    }
}
