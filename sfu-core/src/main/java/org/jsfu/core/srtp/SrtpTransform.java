package org.jsfu.core.srtp;

/**
 * The per-packet cryptographic transform of one profile, for one direction. Stateless with respect to
 * streams: the session computes the packet index (RFC 3711 section 3.3.1) and owns replay state.
 * All methods work in place and allocate nothing on the packet path.
 */
abstract class SrtpTransform {
    /** Reads the key state protectRtp uses (cache warming). */
    int touch() {
        return 0;
    }

    /** Reads a field of this object only (the first of {@link SrtpSession#touch(int)}'s stages on it). */
    int touchFields() {
        return 0;
    }

    /** Bytes of authentication tag appended to SRTP and SRTCP packets. */
    abstract int tagLength();

    /** Encrypts [off+hdrLen, off+len) and appends the tag; returns the protected length. */
    abstract int protectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index);

    /** len includes the tag; verifies, then decrypts; returns the plain length or -1 (auth failure). */
    abstract int unprotectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index);

    /** Encrypts everything after the first 8 bytes, appends E|SRTCP index and tag; returns the new length. */
    abstract int protectRtcp(byte[] b, int off, int len, int ssrc, int index);

    /** Offset (from off) of the 32-bit E-flag|SRTCP-index word in a protected packet of length len. */
    abstract int rtcpIndexOffset(int len);

    /** Verifies and decrypts; eIndex is the E|index word read at rtcpIndexOffset; returns plain length or -1. */
    abstract int unprotectRtcp(byte[] b, int off, int len, int ssrc, int eIndex);

    static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    static int getInt(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }
}
