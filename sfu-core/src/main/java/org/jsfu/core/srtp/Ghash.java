package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH of AES-GCM (NIST SP 800-38D section 6.4), streaming and without allocation: {@link #update}
 * takes any split of a field, {@link #pad} ends a field (AAD or ciphertext) with zeros, {@link #finish}
 * hashes the lengths block. Subclasses multiply whole blocks: {@link ClmulGhash} with the JDK's
 * carry-less multiply (PCLMULQDQ) when the JVM lets us reach it, {@link TableGhash} in plain Java
 * otherwise; {@link #of} picks. Bit order is GCM's: the first bit of a block is the coefficient of x^0.
 */
abstract class Ghash {
    static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Y, the running hash: [0] holds the first 8 bytes, big-endian, as the JDK's GHASH state does. */
    final long[] state = new long[2];
    /** A partial block waits at buf[bufAt..bufAt + 16): an array of its own, or a region of its owner's. */
    private final byte[] buf;
    private final int bufAt;
    private int bufLen;

    /** With a 16-byte buffer of its own. */
    Ghash() {
        this(new byte[16], 0);
    }

    /**
     * With its partial-block buffer at {@code buf[at..at + 16)}: a region of its owner's array, so that it is
     * on a line the owner reads anyway. Hashes that share a region must not be in progress at once (from
     * {@link #reset} to {@link #finish}).
     */
    Ghash(byte[] buf, int at) {
        java.util.Objects.checkFromIndexSize(at, 16, buf.length);
        this.buf = buf;
        this.bufAt = at;
    }

    /** The faster implementation this JVM allows, for the hash subkey {@code h} = E(K, 0^128). */
    static Ghash of(byte[] h) {
        return ClmulGhash.available() ? new ClmulGhash(h) : new TableGhash(h);
    }

    /** As {@link #of(byte[])}, with the partial-block buffer at {@code buf[at..at + 16)} ({@link #Ghash(byte[], int)}). */
    static Ghash of(byte[] h, byte[] buf, int at) {
        return ClmulGhash.available() ? new ClmulGhash(h, buf, at) : new TableGhash(h, buf, at);
    }

    /** "clmul" or "table", and why not clmul; for the start-up log. */
    static String implementation() {
        return ClmulGhash.available() ? "clmul" : "table (" + ClmulGhash.unavailableReason() + ")";
    }

    /** Y = (Y xor X_i) * H for {@code count} whole blocks at b[p..p + 16 count). */
    abstract void blocks(byte[] b, int p, int count);

    /** Reads the fields the next hash uses (cache warming). */
    int touch() {
        return (int) state[0] + bufLen + buf[bufAt];
    }

    final void reset() {
        state[0] = 0;
        state[1] = 0;
        bufLen = 0;
    }

    final void update(byte[] b, int p, int n) {
        if (bufLen > 0) {
            int take = Math.min(n, 16 - bufLen);
            System.arraycopy(b, p, buf, bufAt + bufLen, take);
            bufLen += take;
            p += take;
            n -= take;
            if (bufLen < 16) return;
            blocks(buf, bufAt, 1);
            bufLen = 0;
        }
        if (n >= 16) {
            int whole = n >>> 4;
            blocks(b, p, whole);
            p += whole << 4;
            n &= 15;
        }
        if (n > 0) {
            System.arraycopy(b, p, buf, bufAt, n);
            bufLen = n;
        }
    }

    /** Ends a field (AAD or ciphertext): a partial block is zero-padded. */
    final void pad() {
        if (bufLen > 0) {
            for (int i = bufLen; i < 16; i++) buf[bufAt + i] = 0;
            blocks(buf, bufAt, 1);
            bufLen = 0;
        }
    }

    /** Pads, hashes len(A) || len(C) in bits, and writes the 16-byte result. */
    final void finish(long aadBytes, long textBytes, byte[] out, int off) {
        pad();
        BE.set(buf, bufAt, aadBytes << 3);
        BE.set(buf, bufAt + 8, textBytes << 3);
        blocks(buf, bufAt, 1);
        BE.set(out, off, state[0]);
        BE.set(out, off + 8, state[1]);
    }
}
