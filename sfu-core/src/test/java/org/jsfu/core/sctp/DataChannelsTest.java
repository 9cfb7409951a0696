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

class DataChannelsTest {
    record Got(String label, String text, boolean binary) {
    }

    static final class Sink implements DataChannels.Handler {
        final List<Got> got = new ArrayList<>();
        final List<String> opened = new ArrayList<>();

        @Override
        public void onMessage(String label, byte[] data, boolean binary) {
            got.add(new Got(label, new String(data, StandardCharsets.UTF_8), binary));
        }

        @Override
        public void onChannelOpen(String label, boolean local) {
            opened.add((local ? "local:" : "remote:") + label);
        }
    }

    private static LossyLink.Endpoint endpoint(DataChannels d) {
        return new LossyLink.Endpoint() {
            @Override
            public void receive(byte[] b, int off, int len, long nowMs) {
                d.receive(b, off, len, nowMs);
            }

            @Override
            public void tick(long nowMs) {
                d.tick(nowMs);
            }
        };
    }

    @Test
    void dcepOpenAckBothWaysWithQueuedSends() {
        LossyLink link = new LossyLink(11, 0.05, 2, 20);
        Sink server = new Sink();
        Sink client = new Sink();
        SctpAssociation.Config cfg = SctpAssociationTest.cfg();
        DataChannels s = new DataChannels(cfg, new Random(1), true, link.toB(), server);
        DataChannels c = new DataChannels(cfg, new Random(2), false, link.toA(), client);
        link.a = endpoint(s);
        link.b = endpoint(c);
        // server: our own channels on odd ids, and a send queued before anything is open
        assertTrue(s.open("_reliable", true, -1, link.now));
        assertTrue(s.open("_lossy", false, 0, link.now));
        assertTrue(s.send("_reliable", "early".getBytes(StandardCharsets.UTF_8), true, link.now));
        assertFalse(s.isOpen("_reliable"));
        // the browser side opens its channels (even ids) and initiates
        c.open("_reliable", true, -1, link.now);
        c.open("_lossy", false, 0, link.now);
        c.start(link.now);
        s.start(link.now);
        c.association().connect(link.now);
        assertTrue(link.runUntil(() -> s.isOpen("_reliable") && s.isOpen("_lossy") && c.isOpen("_reliable"), 30_000));
        assertTrue(server.opened.containsAll(List.of("local:_reliable", "local:_lossy", "remote:_reliable", "remote:_lossy")),
                server.opened.toString());
        assertTrue(link.runUntil(() -> client.got.size() == 1, 10_000));
        assertEquals(new Got("_reliable", "early", true), client.got.get(0));
        c.send("_reliable", "from client".getBytes(StandardCharsets.UTF_8), false, link.now);
        c.send("_lossy", new byte[0], true, link.now);
        assertTrue(link.runUntil(() -> server.got.size() == 2, 10_000) || server.got.size() == 1);
        assertEquals(new Got("_reliable", "from client", false), server.got.get(0));
        if (server.got.size() == 2) {
            assertEquals(new Got("_lossy", "", true), server.got.get(1));
        }
    }

    @Test
    void passiveServerInitiatesWhenThePeerWaits() {
        LossyLink link = new LossyLink(12, 0, 2, 5);
        Sink server = new Sink();
        Sink client = new Sink();
        SctpAssociation.Config cfg = SctpAssociationTest.cfg();
        DataChannels s = new DataChannels(cfg, new Random(3), true, link.toB(), server);
        DataChannels c = new DataChannels(cfg, new Random(4), false, link.toA(), client);
        link.a = endpoint(s);
        link.b = endpoint(c);
        s.open("_reliable", true, -1, link.now);
        s.start(link.now);
        // the client never calls connect nor start: the server initiates after INITIATE_AFTER_MS
        assertTrue(link.runUntil(() -> s.isOpen("_reliable"), 5_000));
        assertTrue(s.send("_reliable", "hi".getBytes(StandardCharsets.UTF_8), true, link.now));
        assertTrue(link.runUntil(() -> client.got.size() == 1, 5_000));
        assertEquals(List.of("remote:_reliable"), client.opened);
    }

    @Test
    void openOnTheWrongParityAndMalformedOpensAreIgnored() {
        assertEquals(null, Dcep.parseOpen(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0}));
        assertEquals(null, Dcep.parseOpen(new byte[] {3}));
        Dcep.Open o = Dcep.parseOpen(Dcep.open("_lossy", false, 0));
        assertEquals("_lossy", o.label());
        assertFalse(o.ordered());
        assertEquals(0, o.maxRetransmits());
        Dcep.Open r = Dcep.parseOpen(Dcep.open("_reliable", true, -1));
        assertTrue(r.ordered());
        assertEquals(-1, r.maxRetransmits());
        assertArrayEquals(new byte[] {3, 0x00}, java.util.Arrays.copyOf(Dcep.open("a", true, -1), 2));
    }
}
