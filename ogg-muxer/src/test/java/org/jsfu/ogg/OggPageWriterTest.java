package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OggPageWriterTest {
    private static byte[] filled(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    @Test
    void lacingOfLargePacketsAndExactMultiples() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter w = new OggPageWriter(out, 0x1234);
        byte[] a = filled(600, 1);   // 255,255,90
        byte[] b = filled(510, 2);   // 255,255,0
        byte[] c = filled(0, 3);     // 0
        w.addPacket(a, 0, a.length, 10);
        w.addPacket(b, 0, b.length, 20);
        w.addPacket(c, 0, 0, 30);
        w.writeEos();
        byte[] file = out.toByteArray();
        assertEquals(7, file[26]);
        assertEquals(255, file[27] & 0xff);
        assertEquals(255, file[28] & 0xff);
        assertEquals(90, file[29] & 0xff);
        assertEquals(255, file[30] & 0xff);
        assertEquals(255, file[31] & 0xff);
        assertEquals(0, file[32] & 0xff);
        assertEquals(0, file[33] & 0xff);
        List<OggOpusReader.Packet> packets = new ArrayList<>();
        List<OggOpusReader.Page> pages = OggOpusReader.readPages(new ByteArrayInputStream(file), packets);
        assertEquals(1, pages.size());
        assertTrue(pages.get(0).bos());
        assertTrue(pages.get(0).eos());
        assertEquals(30, pages.get(0).granule());
        assertEquals(0x1234, pages.get(0).serial());
        assertArrayEquals(a, packets.get(0).data());
        assertArrayEquals(b, packets.get(1).data());
        assertEquals(0, packets.get(2).data().length);
    }

    @Test
    void packetSpanningPagesSetsContinuedFlagAndGranuleMinusOne() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter w = new OggPageWriter(out, 7);
        byte[] small = filled(10, 5);
        w.addPacket(small, 0, small.length, 100);
        byte[] huge = filled(255 * 255 * 2 + 17, 9); // needs 511 lacing values + 1
        w.addPacket(huge, 0, huge.length, 200);
        w.writeEos();
        List<OggOpusReader.Packet> packets = new ArrayList<>();
        List<OggOpusReader.Page> pages = OggOpusReader.readPages(new ByteArrayInputStream(out.toByteArray()), packets);
        assertEquals(3, pages.size());
        assertEquals(255, pages.get(0).segments());
        assertEquals(100, pages.get(0).granule());      // the small packet completes there
        assertFalse(pages.get(0).continued());
        assertEquals(255, pages.get(1).segments());
        assertEquals(-1, pages.get(1).granule());       // no packet completes on page 2
        assertTrue(pages.get(1).continued());
        assertTrue(pages.get(2).continued());
        assertTrue(pages.get(2).eos());
        assertEquals(200, pages.get(2).granule());
        assertArrayEquals(huge, packets.get(1).data());
    }

    @Test
    void pageFullAtPacketBoundaryStartsNextPageWithoutContinuedFlag() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter w = new OggPageWriter(out, 7);
        byte[] p = filled(3, 1);
        for (int i = 0; i < 256; i++) w.addPacket(p, 0, 3, i + 1);
        w.writeEos();
        List<OggOpusReader.Packet> packets = new ArrayList<>();
        List<OggOpusReader.Page> pages = OggOpusReader.readPages(new ByteArrayInputStream(out.toByteArray()), packets);
        assertEquals(2, pages.size());
        assertEquals(255, pages.get(0).segments());
        assertEquals(255, pages.get(0).granule());
        assertFalse(pages.get(1).continued());
        assertEquals(256, pages.get(1).granule());
        assertEquals(256, packets.size());
    }

    @Test
    void readerRejectsCorruptedByte() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter w = new OggPageWriter(out, 7);
        w.addPacket(filled(40, 1), 0, 40, 960);
        w.writeEos();
        byte[] file = out.toByteArray();
        file[file.length - 5] ^= 0x10;
        IOException e = assertThrows(IOException.class,
                () -> OggOpusReader.readPages(new ByteArrayInputStream(file), new ArrayList<>()));
        assertTrue(e.getMessage().contains("CRC"));
    }

    @Test
    void emptyEosPageCarriesLastGranule() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggPageWriter w = new OggPageWriter(out, 7);
        w.addPacket(filled(5, 1), 0, 5, 960);
        w.flushPage();
        w.writeEos();
        List<OggOpusReader.Page> pages = OggOpusReader.readPages(new ByteArrayInputStream(out.toByteArray()), new ArrayList<>());
        assertEquals(2, pages.size());
        assertEquals(0, pages.get(1).segments());
        assertEquals(960, pages.get(1).granule());
        assertThrows(IllegalStateException.class, () -> w.addPacket(new byte[1], 0, 1, 1000));
    }
}
