package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * AES counter mode by the JDK's own {@code com.sun.crypto.provider.CounterMode}, whose {@code implCrypt} C2
 * replaces with its AES-NI stub (HotSpot intrinsic {@code _counterMode_AESCrypt}: eight blocks in flight,
 * where {@code AES/ECB} encrypts one block per stub call). JCE's {@code AES/CTR/NoPadding} Cipher is the same
 * code, but takes a new IV only through {@code init}, which allocates. Here the counter block is written in
 * place ({@link #start}) and {@link #crypt} XORs the keystream into a range; the JDK's {@code encrypt} checks
 * the ranges before the stub runs. Reached with the same {@code Add-Opens java.base/com.sun.crypto.provider}
 * as {@link ClmulGhash}; {@link #available()} is false without it, or when a self-test at class load does not
 * give the AES-CTR known answer of NIST SP 800-38A F.5.1, and then the transforms keep their ECB keystream.
 * The JDK increments all 128 bits of the counter, SRTP's AES-CM and GCM only the low 16 or 32: the same for
 * any packet (at most 2^16 blocks).
 */
final class JdkCtr {
    private static final MethodHandle NEW_AES;
    private static final MethodHandle NEW_MODE;
    private static final MethodHandle INIT;
    private static final MethodHandle ENCRYPT;
    private static final MethodHandle COUNTER;
    private static final MethodHandle SET_USED;
    private static final String UNAVAILABLE;

    static {
        MethodHandle newAes = null;
        MethodHandle newMode = null;
        MethodHandle init = null;
        MethodHandle encrypt = null;
        MethodHandle counter = null;
        MethodHandle used = null;
        String why = null;
        try {
            Class<?> aes = Class.forName("com.sun.crypto.provider.AESCrypt");
            Class<?> ctr = Class.forName("com.sun.crypto.provider.CounterMode");
            Class<?> symmetric = Class.forName("com.sun.crypto.provider.SymmetricCipher");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(ctr, MethodHandles.lookup());
            newAes = l.findConstructor(aes, MethodType.methodType(void.class));
            newMode = l.findConstructor(ctr, MethodType.methodType(void.class, symmetric));
            init = l.findVirtual(ctr, "init",
                    MethodType.methodType(void.class, boolean.class, String.class, byte[].class, byte[].class));
            encrypt = l.findVirtual(ctr, "encrypt",
                    MethodType.methodType(int.class, byte[].class, int.class, int.class, byte[].class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class,
                            byte[].class, int.class));
            counter = l.findGetter(ctr, "counter", byte[].class).asType(MethodType.methodType(byte[].class, Object.class));
            used = l.findSetter(ctr, "used", int.class).asType(MethodType.methodType(void.class, Object.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why = e.getClass().getSimpleName();
        }
        NEW_AES = newAes;
        NEW_MODE = newMode;
        INIT = init;
        ENCRYPT = encrypt;
        COUNTER = counter;
        SET_USED = used;
        UNAVAILABLE = why != null ? why : selfTest();
    }

    private final Object mode;
    private final byte[] counter;

    JdkCtr(byte[] key) {
        this(key, UNAVAILABLE);
    }

    private JdkCtr(byte[] key, String unavailable) {
        if (unavailable != null) throw new IllegalStateException("JDK CounterMode unavailable: " + unavailable);
        try {
            mode = NEW_MODE.invoke(NEW_AES.invoke()); // new CounterMode(new AESCrypt())
            INIT.invoke(mode, false, "AES", key, new byte[16]); // expands the key; the IV is set per packet
            counter = (byte[]) COUNTER.invokeExact(mode);
        } catch (Throwable t) {
            throw new IllegalStateException("JDK CounterMode", t);
        }
    }

    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Null when available; otherwise why not. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Starts the keystream at the 16-byte counter block b[p..p+16). */
    void start(byte[] b, int p) {
        System.arraycopy(b, p, counter, 0, 16);
        try {
            SET_USED.invokeExact(mode, 16); // the JDK's "no keystream left in the current block"
        } catch (Throwable t) {
            throw new IllegalStateException("JDK CounterMode", t);
        }
    }

    /** out[outOff..+len) = in[inOff..+len) XOR the next len bytes of keystream; in place is fine. */
    void crypt(byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len == 0) return;
        try {
            int n = (int) ENCRYPT.invokeExact(mode, in, inOff, len, out, outOff);
            assert n == len;
        } catch (RuntimeException | Error e) {
            throw e; // the JDK's range check: an IndexOutOfBoundsException
        } catch (Throwable t) {
            throw new IllegalStateException("JDK CounterMode", t);
        }
    }

    /** Reads the state the next packet uses (cache warming). */
    int touch() {
        return counter[0];
    }

    /** NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), the first two blocks, crypted in two uneven pieces. */
    private static String selfTest() {
        try {
            byte[] key = HexFormat.of().parseHex("2b7e151628aed2a6abf7158809cf4f3c");
            byte[] ctr = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
            byte[] text = HexFormat.of().parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
            byte[] want = HexFormat.of().parseHex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
            JdkCtr c = new JdkCtr(key, null);
            c.start(new byte[16], 0);
            c.crypt(text.clone(), 0, 5, new byte[5], 0); // leaves state behind that start must clear
            c.start(ctr, 0);
            byte[] out = text.clone();
            c.crypt(out, 0, 7, out, 0);
            c.crypt(out, 7, 25, out, 7);
            return Arrays.equals(out, want) ? null : "self-test";
        } catch (RuntimeException e) {
            return "self-test " + e.getClass().getSimpleName();
        }
    }
}
