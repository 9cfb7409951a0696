package org.jsfu.ogg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Makes the Ogg Opus file left by a killed writer playable again.
 *
 * <p>Pages are scanned from the start (RFC 3533 section 6): capture pattern "OggS", version 0, one serial,
 * consecutive page sequence numbers and a matching CRC. The file is cut after the last valid page on which
 * no packet is left open (its last lacing value is below 255), so a torn page, a page of a packet that never
 * finished, or garbage at the end disappears. If that page lacks EOS, the EOS flag is set on it and its CRC
 * recomputed (RFC 3533 section 6; an extra empty EOS page would carry a granule without a completed packet,
 * which opusinfo warns about). A file whose headers (OpusHead, OpusTags,
 * RFC 7845 section 5) are not complete cannot be repaired. Blocking file I/O; not for the media path.
 */
public final class OggRepair {
    private static final int MAX_PAGE = 27 + 255 + 255 * 255;

    /**
     * @param originalLength bytes before the repair
     * @param keptLength bytes kept from the original (everything after was cut)
     * @param repairedLength bytes after the repair (equal to {@code keptLength})
     * @param firstChangedOffset first byte that differs from the original: the start of the page that got
     *        the EOS flag, or {@code keptLength} when only the tail was cut
     * @param pages valid pages kept
     * @param lastGranule granule of the last page that completes a packet (pre-skip included)
     * @param preSkip from OpusHead
     * @param eosAdded true when the EOS flag had to be set on the last kept page
     */
    public record Result(long originalLength, long keptLength, long repairedLength, long firstChangedOffset, int pages,
            long lastGranule, int preSkip, boolean eosAdded) {
        /** Playable samples at 48 kHz: last granule minus pre-skip, never negative. */
        public long playableSamples() {
            return Math.max(0, lastGranule - preSkip);
        }

        /** Playable duration in nanoseconds. */
        public long durationNanos() {
            return playableSamples() * 1_000_000_000L / 48_000;
        }

        public boolean changed() {
            return eosAdded || keptLength != originalLength;
        }
    }

    private OggRepair() {}

    /** Scans without changing the file; the result tells what {@link #repair} would keep. */
    public static Result inspect(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(ch);
        }
    }

    /**
     * Repairs {@code file} in place (truncate, then append EOS if needed) and forces it to disk.
     *
     * @throws IOException when the Opus headers are not complete (nothing playable to keep)
     */
    public static Result repair(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Scan s = scanInternal(ch);
            if (s.keptLength < ch.size()) ch.truncate(s.keptLength);
            boolean appended = false;
            if (!s.eos) {
                setEos(ch, s.lastPageOffset, (int) (s.keptLength - s.lastPageOffset));
                appended = true;
            }
            ch.force(true);
            return new Result(s.originalLength, s.keptLength, s.keptLength, appended ? s.lastPageOffset : s.keptLength,
                    s.pages, s.lastGranule, s.preSkip, appended);
        }
    }

    private static Result scan(FileChannel ch) throws IOException {
        Scan s = scanInternal(ch);
        return new Result(s.originalLength, s.keptLength, s.keptLength, s.eos ? s.keptLength : s.lastPageOffset, s.pages,
                s.lastGranule, s.preSkip, !s.eos);
    }

    private static final class Scan {
        long originalLength;
        long keptLength;
        long lastPageOffset;
        int pages;
        long lastGranule;
        int preSkip;
        boolean eos;
    }

    private static Scan scanInternal(FileChannel ch) throws IOException {
        Scan s = new Scan();
        s.originalLength = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(MAX_PAGE);
        byte[] head = null;
        boolean tagsComplete = false;
        int packetsCompleted = 0;
        boolean inPacket = false;
        long pos = 0;
        int seq = 0;
        long granule = 0;
        Integer serial = null;
        // candidate cut point: after a valid page that leaves no packet open
        long kept = 0;
        long keptPageStart = 0;
        int keptPages = 0;
        long keptGranule = 0;
        boolean keptEos = false;
        boolean keptHeadersDone = false;
        java.io.ByteArrayOutputStream firstPackets = new java.io.ByteArrayOutputStream();
        while (true) {
            buf.clear().limit(27);
            if (readFully(ch, buf, pos) < 27) break;
            byte[] h = buf.array();
            if (h[0] != 'O' || h[1] != 'g' || h[2] != 'g' || h[3] != 'S' || h[4] != 0) break;
            int flags = h[5] & 0xff;
            long g = OggOpusReader.le64(h, 6);
            int ser = OggOpusReader.le32(h, 14);
            int sq = OggOpusReader.le32(h, 18);
            int crc = OggOpusReader.le32(h, 22);
            int nseg = h[26] & 0xff;
            buf.limit(27 + nseg);
            if (readFully(ch, buf, pos) < 27 + nseg) break;
            int bodyLen = 0;
            for (int i = 0; i < nseg; i++) bodyLen += h[27 + i] & 0xff;
            int total = 27 + nseg + bodyLen;
            buf.limit(total);
            if (readFully(ch, buf, pos) < total) break;
            byte[] zeroed = Arrays.copyOf(h, total);
            Arrays.fill(zeroed, 22, 26, (byte) 0);
            if (OggCrc.update(0, zeroed, 0, total) != crc) break;
            if (serial != null && serial != ser) break;
            if (sq != seq) break;
            if (((flags & OggPageWriter.FLAG_BOS) != 0) != (seq == 0)) break;
            if (((flags & OggPageWriter.FLAG_CONTINUED) != 0) != inPacket) break;
            serial = ser;
            // walk the lacing values; collect the two header packets
            int bp = 27 + nseg;
            boolean completed = false;
            for (int i = 0; i < nseg; i++) {
                int l = h[27 + i] & 0xff;
                if (packetsCompleted < 2) firstPackets.write(h, bp, l);
                bp += l;
                inPacket = l == 255;
                if (!inPacket) {
                    completed = true;
                    packetsCompleted++;
                    if (packetsCompleted == 1) {
                        head = firstPackets.toByteArray();
                        firstPackets.reset();
                    } else if (packetsCompleted == 2) {
                        tagsComplete = startsWith(firstPackets.toByteArray(), "OpusTags");
                        firstPackets.reset();
                    }
                }
            }
            if (completed) granule = g;
            long pageStart = pos;
            pos += total;
            seq++;
            boolean eos = (flags & OggPageWriter.FLAG_EOS) != 0;
            if (!inPacket) {
                kept = pos;
                keptPageStart = pageStart;
                keptPages = seq;
                keptGranule = granule;
                keptEos = eos;
                keptHeadersDone = tagsComplete;
            }
            if (eos) break;
        }
        if (head == null || head.length < 19 || !startsWith(head, "OpusHead") || !keptHeadersDone) {
            throw new IOException("no complete Ogg Opus headers (kept " + kept + " of " + s.originalLength + " bytes)");
        }
        s.keptLength = kept;
        s.lastPageOffset = keptPageStart;
        s.pages = keptPages;
        s.lastGranule = keptGranule;
        s.preSkip = (head[10] & 0xff) | (head[11] & 0xff) << 8;
        s.eos = keptEos;
        return s;
    }

    private static boolean startsWith(byte[] b, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        return b.length >= m.length && Arrays.equals(b, 0, m.length, m, 0, m.length);
    }

    /** Reads from {@code pos} into buf's remaining range (from 0); returns the bytes available. */
    private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        buf.position(0);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) break;
        }
        return buf.position();
    }

    /** Sets the EOS flag of the page at {@code off} ({@code len} bytes) and rewrites its CRC (RFC 3533 section 6). */
    private static void setEos(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, off + b.position()) < 0) throw new IOException("page shorter than expected");
        }
        byte[] p = b.array();
        p[5] |= OggPageWriter.FLAG_EOS;
        OggPageWriter.putLe32(p, 22, 0);
        OggPageWriter.putLe32(p, 22, OggCrc.update(0, p, 0, len));
        ch.write(ByteBuffer.wrap(p), off);
    }
}
