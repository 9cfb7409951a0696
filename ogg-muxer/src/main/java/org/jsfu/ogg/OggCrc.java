package org.jsfu.ogg;

/**
 * CRC-32 of an Ogg page, RFC 3533 section 6: generator polynomial 0x04c11db7, computed "direct"
 * (MSB first, no input or output reflection), initial value 0, no final XOR, over the whole page with
 * the CRC field set to zero.
 */
public final class OggCrc {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }
            TABLE[i] = r;
        }
    }

    private OggCrc() {}

    /** Continues a CRC over {@code len} bytes; start with {@code crc = 0}. */
    public static int update(int crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b[i]) & 0xff];
        }
        return crc;
    }
}
