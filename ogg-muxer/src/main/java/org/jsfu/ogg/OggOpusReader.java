package org.jsfu.ogg;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strict reader of a single-stream Ogg Opus file (RFC 3533 and RFC 7845), meant for tests and checks:
 * verifies capture pattern, version, CRC, page sequence, serial, BOS/EOS placement and the headers, and
 * returns pages and packets with their granule positions.
 */
public final class OggOpusReader {
    /** One Ogg page. */
    public record Page(int flags, long granule, int serial, int sequence, int segments, int bodyLength) {
        public boolean continued() { return (flags & OggPageWriter.FLAG_CONTINUED) != 0; }
        public boolean bos() { return (flags & OggPageWriter.FLAG_BOS) != 0; }
        public boolean eos() { return (flags & OggPageWriter.FLAG_EOS) != 0; }
    }

    /** One packet; {@code pageGranule} is the granule of the page it completes on when it is the last completed there, else -1. */
    public record Packet(byte[] data, int pageIndex, long pageGranule) {}

    /** Result of reading a whole stream. */
    public record OggOpusFile(int version, int channels, int preSkip, long inputSampleRate, int outputGain,
            int mappingFamily, String vendor, List<String> comments, List<Page> pages, List<Packet> audioPackets) {
        /** Granule position of the last page. */
        public long lastGranule() { return pages.get(pages.size() - 1).granule(); }
        /** Sum of the TOC durations of all audio packets, 48 kHz samples. */
        public long totalPacketSamples() {
            long s = 0;
            for (Packet p : audioPackets) s += OpusToc.packetSamples48k(p.data(), 0, p.data().length);
            return s;
        }
        /** Playable duration: last granule minus pre-skip, in seconds. */
        public double durationSeconds() { return (lastGranule() - preSkip) / 48000.0; }
    }

    private OggOpusReader() {}

    /** Reads and validates all pages; throws IOException with a reason on any violation. */
    public static List<Page> readPages(InputStream in, List<Packet> packetsOut) throws IOException {
        DataInputStream d = new DataInputStream(in);
        List<Page> pages = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        boolean inPacket = false;
        Integer serial = null;
        byte[] hdr = new byte[27];
        while (true) {
            int first = d.read();
            if (first < 0) break;
            hdr[0] = (byte) first;
            d.readFully(hdr, 1, 26);
            if (hdr[0] != 'O' || hdr[1] != 'g' || hdr[2] != 'g' || hdr[3] != 'S') throw new IOException("bad capture pattern");
            if (hdr[4] != 0) throw new IOException("bad stream structure version " + hdr[4]);
            int flags = hdr[5] & 0xff;
            long granule = le64(hdr, 6);
            int ser = le32(hdr, 14);
            int seq = le32(hdr, 18);
            int crc = le32(hdr, 22);
            int nseg = hdr[26] & 0xff;
            byte[] lacing = new byte[nseg];
            d.readFully(lacing);
            int bodyLen = 0;
            for (byte l : lacing) bodyLen += l & 0xff;
            byte[] body = new byte[bodyLen];
            d.readFully(body);
            byte[] zeroed = hdr.clone();
            Arrays.fill(zeroed, 22, 26, (byte) 0);
            int calc = OggCrc.update(0, zeroed, 0, 27);
            calc = OggCrc.update(calc, lacing, 0, nseg);
            calc = OggCrc.update(calc, body, 0, bodyLen);
            if (calc != crc) throw new IOException("CRC mismatch on page " + seq);
            if (serial == null) serial = ser;
            else if (serial != ser) throw new IOException("serial changed");
            if (seq != pages.size()) throw new IOException("page sequence " + seq + " expected " + pages.size());
            boolean bos = (flags & OggPageWriter.FLAG_BOS) != 0;
            if (bos != pages.isEmpty()) throw new IOException("BOS flag misplaced on page " + seq);
            if (!pages.isEmpty() && pages.get(pages.size() - 1).eos()) throw new IOException("page after EOS");
            boolean cont = (flags & OggPageWriter.FLAG_CONTINUED) != 0;
            if (cont != inPacket) throw new IOException("continued flag mismatch on page " + seq);
            int pageIndex = pages.size();
            int pos = 0;
            int lastCompleted = -1;
            for (int i = 0; i < nseg; i++) {
                int l = lacing[i] & 0xff;
                partial.write(body, pos, l);
                pos += l;
                inPacket = true;
                if (l < 255) {
                    packetsOut.add(new Packet(partial.toByteArray(), pageIndex, -1));
                    partial.reset();
                    inPacket = false;
                    lastCompleted = packetsOut.size() - 1;
                }
            }
            if (lastCompleted >= 0) {
                Packet p = packetsOut.get(lastCompleted);
                packetsOut.set(lastCompleted, new Packet(p.data(), p.pageIndex(), granule));
            } else if (granule != -1) {
                if (nseg > 0) throw new IOException("page without completed packet must have granule -1");
            }
            pages.add(new Page(flags, granule, ser, seq, nseg, bodyLen));
        }
        if (pages.isEmpty()) throw new EOFException("no pages");
        if (!pages.get(pages.size() - 1).eos()) throw new IOException("last page lacks EOS");
        if (inPacket) throw new IOException("stream ends inside a packet");
        return pages;
    }

    /** Reads a whole Ogg Opus stream and checks the RFC 7845 header layout. */
    public static OggOpusFile read(InputStream in) throws IOException {
        List<Packet> packets = new ArrayList<>();
        List<Page> pages = readPages(in, packets);
        if (packets.size() < 2) throw new IOException("missing headers");
        byte[] head = packets.get(0).data();
        if (head.length < 19 || !new String(head, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
            throw new IOException("first packet is not OpusHead");
        }
        if (packets.get(0).pageIndex() != 0 || pages.get(0).segments() != 1) throw new IOException("OpusHead must be alone on the first page");
        if (pages.get(0).granule() != 0) throw new IOException("header page granule must be 0");
        byte[] tags = packets.get(1).data();
        if (!new String(tags, 0, 8, StandardCharsets.US_ASCII).equals("OpusTags")) throw new IOException("second packet is not OpusTags");
        int tagsLastPage = packets.get(1).pageIndex();
        if (packets.size() > 2 && packets.get(2).pageIndex() == tagsLastPage) throw new IOException("audio must start on a new page");
        int vlen = le32(tags, 8);
        String vendor = new String(tags, 12, vlen, StandardCharsets.UTF_8);
        int n = le32(tags, 12 + vlen);
        List<String> comments = new ArrayList<>();
        int p = 16 + vlen;
        for (int i = 0; i < n; i++) {
            int l = le32(tags, p);
            comments.add(new String(tags, p + 4, l, StandardCharsets.UTF_8));
            p += 4 + l;
        }
        // granules of audio pages must not decrease
        long prev = 0;
        for (int i = tagsLastPage + 1; i < pages.size(); i++) {
            long g = pages.get(i).granule();
            if (g == -1) continue;
            if (g < prev) throw new IOException("granule decreases on page " + i);
            prev = g;
        }
        return new OggOpusFile(head[8] & 0xff, head[9] & 0xff, (head[10] & 0xff) | (head[11] & 0xff) << 8,
                le32(head, 12) & 0xffffffffL, (short) ((head[16] & 0xff) | (head[17] << 8)), head[18] & 0xff,
                vendor, comments, pages, packets.subList(2, packets.size()));
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int o) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[o + i] & 0xff);
        return v;
    }
}
