package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggRepairTest {
    private static final byte[] SIL_20 = OggOpusWriterTest.SIL_20;
    @TempDir Path dir;

    /** 100 x 20 ms packets, a page every 10 packets (200 ms), no EOS: what a killed writer leaves. */
    private static byte[] unfinished(int packets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 2, 312, 7, 9600);
        for (int i = 0; i < packets; i++) w.writePacket(SIL_20, 0, SIL_20.length);
        return out.toByteArray(); // the pending page (last packets) was never written
    }

    private OggOpusReader.OggOpusFile read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return OggOpusReader.read(in);
        }
    }

    @Test
    void appendsEosAfterLastCompletePage() throws IOException {
        byte[] b = unfinished(105);
        Path f = Files.write(dir.resolve("a.ogg"), b);
        assertThrows(IOException.class, () -> read(f)); // no EOS: the strict reader refuses it
        OggRepair.Result r = OggRepair.repair(f);
        assertEquals(b.length, r.keptLength());
        assertTrue(r.eosAdded());
        assertTrue(r.firstChangedOffset() < b.length && r.firstChangedOffset() > b.length - 1000);
        OggOpusReader.OggOpusFile o = read(f);
        assertEquals(100, o.audioPackets().size()); // 10 full pages; the 5 pending packets were lost
        assertEquals(100 * 960, o.lastGranule()); // granule counts from 0, pre-skip included
        assertEquals(100 * 960 - 312, r.playableSamples());
        assertEquals(r.repairedLength(), Files.size(f));
    }

    @Test
    void cutsTornPageAndGarbage() throws IOException {
        byte[] b = unfinished(105);
        for (int cut = 1; cut < 60; cut += 7) {
            Path f = Files.write(dir.resolve("t" + cut + ".ogg"), Arrays.copyOf(b, b.length - cut));
            OggRepair.Result r = OggRepair.repair(f);
            assertTrue(r.keptLength() < b.length - cut + 1);
            OggOpusReader.OggOpusFile o = read(f);
            assertEquals(90, o.audioPackets().size(), "cut " + cut); // last page torn
        }
        byte[] withGarbage = Arrays.copyOf(b, b.length + 500);
        Arrays.fill(withGarbage, b.length, withGarbage.length, (byte) 'O');
        Path g = Files.write(dir.resolve("g.ogg"), withGarbage);
        assertEquals(b.length, OggRepair.repair(g).keptLength());
        assertEquals(100, read(g).audioPackets().size());
    }

    @Test
    void corruptPageEndsTheKeptPart() throws IOException {
        byte[] b = unfinished(105);
        byte[] bad = b.clone();
        bad[bad.length - 40] ^= 0x5a; // inside the last page: its CRC no longer matches
        Path f = Files.write(dir.resolve("c.ogg"), bad);
        OggRepair.Result r = OggRepair.repair(f);
        assertEquals(90, read(f).audioPackets().size());
        assertEquals(11, r.pages()); // 2 header pages + 9 audio pages, the last one now with EOS
    }

    @Test
    void dropsPageWhosePacketContinuesBeyondTheEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 2, 312, 7, 9600);
        w.writePacket(SIL_20, 0, SIL_20.length);
        w.flush();
        long before = out.size();
        byte[] big = new byte[300 * 255];
        big[0] = (byte) 0xFC; // 20 ms CELT TOC; body is arbitrary
        w.writePacket(big, 0, big.length); // fills a page (255 lacing values) and continues on a pending one
        byte[] b = out.toByteArray();
        assertTrue(b.length > before + 255 * 255);
        Path f = Files.write(dir.resolve("p.ogg"), b);
        OggRepair.Result r = OggRepair.repair(f);
        assertEquals(before, r.keptLength());
        OggOpusReader.OggOpusFile o = read(f);
        assertEquals(1, o.audioPackets().size());
    }

    @Test
    void finishedFileIsLeftAlone() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter w = new OggOpusWriter(out, 2, 312, 7);
        for (int i = 0; i < 30; i++) w.writePacket(SIL_20, 0, SIL_20.length);
        w.finish();
        Path f = Files.write(dir.resolve("ok.ogg"), out.toByteArray());
        OggRepair.Result r = OggRepair.repair(f);
        assertFalse(r.changed());
        assertEquals(out.size(), Files.size(f));
    }

    @Test
    void incompleteHeadersCannotBeRepaired() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new OggOpusWriter(out, 2, 312, 7);
        byte[] b = out.toByteArray();
        Path f = Files.write(dir.resolve("h.ogg"), Arrays.copyOf(b, b.length - 3)); // OpusTags page torn
        assertThrows(IOException.class, () -> OggRepair.repair(f));
        Path empty = Files.write(dir.resolve("e.ogg"), new byte[0]);
        assertThrows(IOException.class, () -> OggRepair.repair(empty));
        Path headersOnly = Files.write(dir.resolve("ho.ogg"), b);
        OggRepair.Result r = OggRepair.repair(headersOnly);
        assertEquals(0, r.playableSamples());
        assertEquals(0, read(headersOnly).audioPackets().size());
    }
}
