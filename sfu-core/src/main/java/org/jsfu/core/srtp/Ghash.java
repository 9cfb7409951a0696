package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH of AES-GCM (NIST SP 800-38D section 6.4) with 8-bit tables: M[b] = b * H for every byte value
 * (4 KB per key, built once) and a shared reduction table for the 8-bit shift. Streaming, no
 * allocation. Bit order is GCM's: the first bit of a block is the coefficient of x^0.
 */
final class Ghash {
    private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
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
    private final byte[] buf = new byte[16];
    private int bufLen;
    private long yh;
    private long yl;

    /** h is the hash subkey E(K, 0^128). */
    Ghash(byte[] h) {
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

    /** Reads the fields and every cache line of the two tables (64 B = 8 longs apart), for cache warming. */
    int touch() {
        long x = yh + bufLen + buf[0];
        for (int i = 0; i < 256; i += 8) {
            x += mh[i] + ml[i];
        }
        return (int) x;
    }

    void reset() {
        yh = 0;
        yl = 0;
        bufLen = 0;
    }

    void update(byte[] b, int p, int n) {
        if (bufLen > 0) {
            int take = Math.min(n, 16 - bufLen);
            System.arraycopy(b, p, buf, bufLen, take);
            bufLen += take;
            p += take;
            n -= take;
            if (bufLen < 16) return;
            block((long) BE.get(buf, 0), (long) BE.get(buf, 8));
            bufLen = 0;
        }
        while (n >= 16) {
            block((long) BE.get(b, p), (long) BE.get(b, p + 8));
            p += 16;
            n -= 16;
        }
        if (n > 0) {
            System.arraycopy(b, p, buf, 0, n);
            bufLen = n;
        }
    }

    /** Ends a field (AAD or ciphertext): a partial block is zero-padded. */
    void pad() {
        if (bufLen > 0) {
            for (int i = bufLen; i < 16; i++) buf[i] = 0;
            block((long) BE.get(buf, 0), (long) BE.get(buf, 8));
            bufLen = 0;
        }
    }

    /** Pads, hashes len(A) || len(C) in bits, and writes the 16-byte result. */
    void finish(long aadBytes, long textBytes, byte[] out, int off) {
        pad();
        block(aadBytes << 3, textBytes << 3);
        BE.set(out, off, yh);
        BE.set(out, off + 8, yl);
    }

    private void block(long h, long l) {
        long xh = yh ^ h;
        long xl = yl ^ l;
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
        yh = zh;
        yl = zl;
    }
}
