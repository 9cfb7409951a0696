package org.jsfu.core.sctp;

import java.util.zip.CRC32C;

/**
 * The SCTP checksum (RFC 4960 6.8 and appendix B): CRC32c over the packet with the checksum field
 * zeroed, stored least significant byte first (the reflected CRC's natural byte order). RFC 8261 5:
 * over DTLS there is no offload, so it is computed and verified in software.
 */
final class Crc32cChecksum {
    private static final byte[] ZERO = new byte[4];
    private final CRC32C crc = new CRC32C();

    int compute(byte[] b, int off, int len) {
        crc.reset();
        crc.update(b, off, 8);
        crc.update(ZERO, 0, 4);
        crc.update(b, off + 12, len - 12);
        return (int) crc.getValue();
    }

    void write(byte[] b, int off, int len) {
        int v = compute(b, off, len);
        b[off + 8] = (byte) v;
        b[off + 9] = (byte) (v >>> 8);
        b[off + 10] = (byte) (v >>> 16);
        b[off + 11] = (byte) (v >>> 24);
    }

    boolean verify(byte[] b, int off, int len) {
        int stored = (b[off + 8] & 0xff) | ((b[off + 9] & 0xff) << 8) | ((b[off + 10] & 0xff) << 16)
                | ((b[off + 11] & 0xff) << 24);
        return stored == compute(b, off, len);
    }
}
