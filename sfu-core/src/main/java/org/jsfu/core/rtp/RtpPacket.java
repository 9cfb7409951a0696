package org.jsfu.core.rtp;

/**
 * A reusable, mutable view of an RTP packet in a caller's buffer (RFC 3550 section 5.1). No copying, no
 * allocation: create one per loop or per track and {@link #wrap} each packet into it.
 *
 * <p>Extension lookup returns a packed {@code long}: -1 when absent, else
 * {@code (absoluteOffset << 32) | length}; decode with {@link #extOffset(long)} / {@link #extLength(long)}.
 */
public final class RtpPacket {
    /** RFC 8285 section 4.2: one-byte header extension profile. */
    public static final int PROFILE_ONE_BYTE = 0xBEDE;
    /** RFC 8285 section 4.3: two-byte header extension profile, 0x100 followed by 4 "appbits". */
    public static final int PROFILE_TWO_BYTE_MASK = 0xFFF0;
    public static final int PROFILE_TWO_BYTE = 0x1000;

    private byte[] buf;
    private int off;
    private int len;
    private int headerLength;
    private int paddingLength;
    private int extProfile = -1;
    private int extDataOff;
    private int extDataLen;

    /**
     * Points this view at {@code b[off, off+len)} and validates it: version 2, 12 bytes + CSRCs + the
     * extension header and body inside {@code len}; with the padding bit set, the last byte (the padding
     * count, RFC 3550 5.1) must be at least 1 and at most the bytes after the header. A padding bit with
     * nothing after the header is invalid. Returns false (and leaves the view invalid) otherwise.
     */
    public boolean wrap(byte[] b, int off, int len) {
        this.buf = null;
        if (b == null || off < 0 || len < RtpHeader.FIXED_LENGTH || off + len > b.length) {
            return false;
        }
        if (RtpHeader.version(b, off) != 2) {
            return false;
        }
        int h = RtpHeader.FIXED_LENGTH + 4 * RtpHeader.csrcCount(b, off);
        int profile = -1;
        int extOff = 0;
        int extLen = 0;
        if (RtpHeader.extension(b, off)) {
            if (h + 4 > len) {
                return false;
            }
            profile = ((b[off + h] & 0xff) << 8) | (b[off + h + 1] & 0xff);
            extLen = 4 * (((b[off + h + 2] & 0xff) << 8) | (b[off + h + 3] & 0xff));
            extOff = off + h + 4;
            h += 4 + extLen;
        }
        if (h > len) {
            return false;
        }
        int pad = 0;
        if (RtpHeader.padding(b, off)) {
            int after = len - h;
            if (after == 0) {
                return false;
            }
            pad = b[off + len - 1] & 0xff;
            if (pad == 0 || pad > after) {
                return false;
            }
        }
        this.buf = b;
        this.off = off;
        this.len = len;
        this.headerLength = h;
        this.paddingLength = pad;
        this.extProfile = profile;
        this.extDataOff = extOff;
        this.extDataLen = extLen;
        return true;
    }

    public boolean isValid() {
        return buf != null;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    /** Fixed header + CSRCs + extension, in bytes. */
    public int headerLength() {
        return headerLength;
    }

    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload bytes excluding padding; 0 for padding-only packets. */
    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    public int paddingLength() {
        return paddingLength;
    }

    public int version() {
        return RtpHeader.version(buf, off);
    }

    public boolean hasPadding() {
        return paddingLength > 0;
    }

    public int csrcCount() {
        return RtpHeader.csrcCount(buf, off);
    }

    public int csrc(int i) {
        return (int) RtpHeader.readU32(buf, off + RtpHeader.FIXED_LENGTH + 4 * i);
    }

    public boolean marker() {
        return RtpHeader.marker(buf, off);
    }

    public int payloadType() {
        return RtpHeader.payloadType(buf, off);
    }

    public int sequence() {
        return RtpHeader.sequence(buf, off);
    }

    public long timestamp() {
        return RtpHeader.timestamp(buf, off);
    }

    public int ssrc() {
        return RtpHeader.ssrc(buf, off);
    }

    public void setMarker(boolean m) {
        RtpHeader.setMarker(buf, off, m);
    }

    public void setPayloadType(int pt) {
        RtpHeader.setPayloadType(buf, off, pt);
    }

    public void setSequence(int seq) {
        RtpHeader.setSequence(buf, off, seq);
    }

    public void setTimestamp(long ts) {
        RtpHeader.setTimestamp(buf, off, ts);
    }

    public void setSsrc(int ssrc) {
        RtpHeader.setSsrc(buf, off, ssrc);
    }

    /** The extension profile (16 bits), or -1 without an extension. */
    public int extensionProfile() {
        return extProfile;
    }

    /**
     * Finds header extension element {@code id} (1..14 in the one-byte form, 1..255 in the two-byte
     * form, RFC 8285 sections 4.2 and 4.3). Returns -1 when absent or the block is malformed.
     */
    public long findExtension(int id) {
        if (buf == null || extProfile < 0 || id <= 0) {
            return -1;
        }
        if (extProfile == PROFILE_ONE_BYTE) {
            return findOneByte(buf, extDataOff, extDataLen, id);
        }
        if ((extProfile & PROFILE_TWO_BYTE_MASK) == PROFILE_TWO_BYTE) {
            return findTwoByte(buf, extDataOff, extDataLen, id);
        }
        return -1;
    }

    public static int extOffset(long ref) {
        return (int) (ref >>> 32);
    }

    public static int extLength(long ref) {
        return (int) ref;
    }

    /** RFC 8285 4.2: byte = ID(4) | L(4), data length L+1; ID 0 is a padding byte; ID 15 stops parsing. */
    static long findOneByte(byte[] b, int p, int n, int id) {
        if (id > 14) {
            return -1;
        }
        int end = p + n;
        while (p < end) {
            int h = b[p] & 0xff;
            int eid = h >> 4;
            if (eid == 0) {
                p++;
                continue;
            }
            if (eid == 15) {
                return -1;
            }
            int l = (h & 0x0f) + 1;
            if (p + 1 + l > end) {
                return -1;
            }
            if (eid == id) {
                return ((long) (p + 1) << 32) | l;
            }
            p += 1 + l;
        }
        return -1;
    }

    /** RFC 8285 4.3: ID byte, length byte (0..255), data; an ID of 0 is a single padding byte. */
    static long findTwoByte(byte[] b, int p, int n, int id) {
        if (id > 255) {
            return -1;
        }
        int end = p + n;
        while (p < end) {
            int eid = b[p] & 0xff;
            if (eid == 0) {
                p++;
                continue;
            }
            if (p + 2 > end) {
                return -1;
            }
            int l = b[p + 1] & 0xff;
            if (p + 2 + l > end) {
                return -1;
            }
            if (eid == id) {
                return ((long) (p + 2) << 32) | l;
            }
            p += 2 + l;
        }
        return -1;
    }
}
