package org.jsfu.ogg;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes one logical Ogg bitstream (RFC 3533) to an {@link OutputStream}.
 *
 * <p>Packets are appended to a pending page; a page is written when {@link #flushPage} is called or when
 * its segment table is full (255 lacing values, section 6). A packet is split into 255-byte lacing
 * values terminated by a value below 255 (a 0 when the length is a multiple of 255); a packet that does
 * not fit continues on the next page, which then carries the "continued packet" flag (header type bit
 * 0x01). The page granule position is the one of the last packet completed on the page, or -1 when no
 * packet completes on it (section 6, "granule_position"). Not thread-safe; no allocation per packet.
 */
public final class OggPageWriter {
    /** Header type flag: page continues a packet from the previous page. */
    public static final int FLAG_CONTINUED = 0x01;
    /** Header type flag: first page of the logical bitstream. */
    public static final int FLAG_BOS = 0x02;
    /** Header type flag: last page of the logical bitstream. */
    public static final int FLAG_EOS = 0x04;

    private static final int MAX_SEGMENTS = 255;
    private final OutputStream out;
    private final int serial;
    private final byte[] header = new byte[27 + MAX_SEGMENTS];
    /** Grows on demand up to MAX_SEGMENTS * 255 (a 1 s page of 20 ms Opus packets is about 4 KB). */
    private byte[] body = new byte[4096];
    private int segments;
    private int bodyLen;
    private long pageGranule = -1;
    private boolean pageContinued;
    private boolean pageHasCompletedPacket;
    private int pageSequence;
    private boolean bosWritten;
    private boolean eosWritten;
    private long lastGranule;
    private long bytesWritten;

    public OggPageWriter(OutputStream out, int serial) {
        this.out = Objects.requireNonNull(out, "out");
        this.serial = serial;
    }

    /**
     * Appends one packet whose end corresponds to {@code granuleAfter}. Full pages are written on the
     * way; the last part of the packet stays pending until {@link #flushPage}.
     */
    public void addPacket(byte[] b, int off, int len, long granuleAfter) throws IOException {
        if (eosWritten) throw new IllegalStateException("stream already ended");
        if (len < 0 || off < 0 || off + len > b.length) throw new IndexOutOfBoundsException();
        int remaining = len;
        int pos = off;
        boolean started = false;
        while (true) {
            if (segments == MAX_SEGMENTS) {
                writePage(0);
                // when part of this packet is already out, the next page starts with its continuation
                pageContinued = started;
            }
            started = true;
            int lace = Math.min(255, remaining);
            header[27 + segments++] = (byte) lace;
            if (bodyLen + lace > body.length) body = Arrays.copyOf(body, Math.min(MAX_SEGMENTS * 255, body.length * 2));
            System.arraycopy(b, pos, body, bodyLen, lace);
            bodyLen += lace;
            pos += lace;
            remaining -= lace;
            if (lace < 255) break; // a lacing value below 255 terminates the packet
        }
        pageGranule = granuleAfter;
        pageHasCompletedPacket = true;
        lastGranule = granuleAfter;
    }

    /** True when the pending page holds at least one lacing value. */
    public boolean hasPendingData() {
        return segments > 0;
    }

    /** True when a packet completes on the pending page. */
    public boolean pendingPageCompletesPacket() {
        return pageHasCompletedPacket;
    }

    /** Overrides the granule position of the pending page (end trimming, RFC 7845 section 4.4). */
    public void setPendingGranule(long granule) {
        if (!pageHasCompletedPacket) throw new IllegalStateException("no packet completes on the pending page");
        pageGranule = granule;
        lastGranule = granule;
    }

    /** Writes the pending page (first page gets BOS) if it holds data. */
    public void flushPage() throws IOException {
        if (segments > 0) writePage(0);
    }

    /**
     * Writes the pending page with the EOS flag; an empty EOS page (granule of the last packet) if nothing
     * is pending. Afterwards no packet may be added.
     */
    public void writeEos() throws IOException {
        if (eosWritten) return;
        if (segments == 0) pageGranule = lastGranule;
        writePage(FLAG_EOS);
        eosWritten = true;
    }

    private void writePage(int extraFlags) throws IOException {
        int flags = extraFlags;
        if (pageContinued) flags |= FLAG_CONTINUED;
        if (!bosWritten) {
            flags |= FLAG_BOS;
            bosWritten = true;
        }
        long granule = pageHasCompletedPacket ? pageGranule : (segments == 0 ? pageGranule : -1);
        byte[] h = header;
        h[0] = 'O'; h[1] = 'g'; h[2] = 'g'; h[3] = 'S'; // capture pattern
        h[4] = 0; // stream_structure_version
        h[5] = (byte) flags;
        putLe64(h, 6, granule);
        putLe32(h, 14, serial);
        putLe32(h, 18, pageSequence++);
        putLe32(h, 22, 0); // CRC computed with this field zero
        h[26] = (byte) segments;
        int headerLen = 27 + segments;
        int crc = OggCrc.update(0, h, 0, headerLen);
        crc = OggCrc.update(crc, body, 0, bodyLen);
        putLe32(h, 22, crc);
        out.write(h, 0, headerLen);
        out.write(body, 0, bodyLen);
        bytesWritten += headerLen + bodyLen;
        segments = 0;
        bodyLen = 0;
        pageContinued = false;
        pageHasCompletedPacket = false;
        pageGranule = -1;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public int pagesWritten() {
        return pageSequence;
    }

    public boolean eosWritten() {
        return eosWritten;
    }

    static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void putLe64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >>> (8 * i));
    }
}
