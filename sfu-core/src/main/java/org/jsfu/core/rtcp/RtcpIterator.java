package org.jsfu.core.rtcp;

/**
 * Walks the packets of a compound RTCP datagram (RFC 3550 section 6.4 and appendix A.2) without
 * copying. Each packet must be version 2 and its length field must fit in what is left; a padding bit
 * needs a pad count of 1..(packet length - 4). On the first malformed packet iteration stops and
 * {@link #malformed()} becomes true; packets before it were valid. Reusable; no allocation.
 *
 * <pre>
 * it.reset(b, off, len);
 * while (it.next()) { switch (it.type()) { ... it.offset(), it.length() ... } }
 * </pre>
 */
public final class RtcpIterator {
    private byte[] buf;
    private int pos;
    private int end;
    private int pktOff;
    private int pktLen;
    private int contentLen;
    private boolean malformed;

    public RtcpIterator reset(byte[] b, int off, int len) {
        this.buf = b;
        this.pos = off;
        this.end = (b == null || off < 0 || len < 0 || off + len > b.length) ? off : off + len;
        this.malformed = b == null || off < 0 || len < 0 || off + len > b.length;
        return this;
    }

    /** Advances to the next packet; false at the end or on a malformed packet. */
    public boolean next() {
        if (malformed || pos >= end) {
            return false;
        }
        if (end - pos < 4 || (buf[pos] & 0xc0) != 0x80) {
            malformed = true;
            return false;
        }
        int bytes = (Rtcp.readU16(buf, pos + 2) + 1) * 4;
        if (bytes > end - pos) {
            malformed = true;
            return false;
        }
        int content = bytes;
        if ((buf[pos] & 0x20) != 0) {
            int pad = buf[pos + bytes - 1] & 0xff;
            if (pad == 0 || pad > bytes - 4) {
                malformed = true;
                return false;
            }
            content = bytes - pad;
        }
        pktOff = pos;
        pktLen = bytes;
        contentLen = content;
        pos += bytes;
        return true;
    }

    public boolean malformed() {
        return malformed;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Offset of the current packet's first byte. */
    public int offset() {
        return pktOff;
    }

    /** The current packet's length in bytes as given by its length field (including padding). */
    public int length() {
        return pktLen;
    }

    /** Length without padding; parse with this. */
    public int contentLength() {
        return contentLen;
    }

    public int type() {
        return buf[pktOff + 1] & 0xff;
    }

    /** RC / SC / FMT field. */
    public int count() {
        return buf[pktOff] & 0x1f;
    }
}
