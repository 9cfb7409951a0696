package org.jsfu.core.srtp;

/**
 * GHASH multiplication in plain Java with 8-bit tables: M[b] = b * H for every byte value (4 KB per
 * key, built once) and a shared reduction table for the 8-bit shift. The fallback of {@link Ghash#of}
 * when {@link ClmulGhash} is not available; about 15 times slower than it (sfu-core README).
 */
final class TableGhash extends Ghash {
    /** R8[r]: what multiplying by x^8 XORs into the high word when the low byte shifted out is r. */
    private static final long[] R8 = new long[256];

    static {
        for (int r = 0; r < 256; r++) {
            long h = 0;
            long l = r;
            for (int k = 0; k < 8; k++) {
                long lsb = l & 1;
                l = (h << 63) | (l >>> 1);
                h >>>= 1;
                if (lsb != 0) h ^= 0xE1L << 56;
            }
            R8[r] = h;
        }
    }

    private final long[] mh = new long[256];
    private final long[] ml = new long[256];

    /** h is the hash subkey E(K, 0^128). */
    TableGhash(byte[] h) {
        this(h, new byte[16], 0);
    }

    /** With its partial-block buffer in {@code buf} ({@link Ghash#Ghash(byte[], int)}). */
    TableGhash(byte[] h, byte[] buf, int at) {
        super(buf, at);
        long vh = (long) BE.get(h, 0);
        long vl = (long) BE.get(h, 8);
        for (int k = 0; k < 8; k++) { // M[0x80 >> k] = H * x^k
            mh[0x80 >>> k] = vh;
            ml[0x80 >>> k] = vl;
            long lsb = vl & 1;
            vl = (vh << 63) | (vl >>> 1);
            vh >>>= 1;
            if (lsb != 0) vh ^= 0xE1L << 56;
        }
        for (int i = 2; i < 256; i++) {
            int hb = Integer.highestOneBit(i);
            if (hb != i) {
                mh[i] = mh[hb] ^ mh[i ^ hb];
                ml[i] = ml[hb] ^ ml[i ^ hb];
            }
        }
    }

    /** Also reads every cache line of the two tables (64 B = 8 longs apart). */
    @Override
    int touch() {
        long x = super.touch();
        for (int i = 0; i < 256; i += 8) {
            x += mh[i] + ml[i];
        }
        return (int) x;
    }

    @Override
    void blocks(byte[] b, int p, int count) {
        for (int j = 0; j < count; j++, p += 16) {
            block((long) BE.get(b, p), (long) BE.get(b, p + 8));
        }
    }

    private void block(long h, long l) {
        long xh = state[0] ^ h;
        long xl = state[1] ^ l;
        long zh = 0;
        long zl = 0;
        for (int i = 15; i >= 0; i--) {
            int x = (int) ((i < 8 ? xh >>> (56 - 8 * i) : xl >>> (120 - 8 * i)) & 0xff);
            if (i != 15) { // Z = Z * x^8
                int r = (int) zl & 0xff;
                zl = (zh << 56) | (zl >>> 8);
                zh = (zh >>> 8) ^ R8[r];
            }
            zh ^= mh[x];
            zl ^= ml[x];
        }
        state[0] = zh;
        state[1] = zl;
    }
}
