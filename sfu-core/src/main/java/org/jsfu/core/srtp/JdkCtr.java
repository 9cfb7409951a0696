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
    /** Getters of the state the JDK's stub reads, for {@link #touch} only (null when not found: not touched). */
    private static final MethodHandle GET_USED;
    private static final MethodHandle ENCRYPTED_COUNTER;
    private static final MethodHandle ROUND_KEYS;
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
        GET_USED = getter("com.sun.crypto.provider.CounterMode", "used", int.class);
        ENCRYPTED_COUNTER = getter("com.sun.crypto.provider.CounterMode", "encryptedCounter", byte[].class);
        MethodHandle cipher = getter("com.sun.crypto.provider.FeedbackCipher", "embeddedCipher", null);
        MethodHandle k = getter("com.sun.crypto.provider.AESCrypt", "K", int[].class);
        ROUND_KEYS = cipher == null || k == null ? null : MethodHandles.filterReturnValue(cipher, k);
        UNAVAILABLE = why != null ? why : selfTest();
    }

    private final Object mode;
    private final byte[] counter;
    /**
     * The JDK's own arrays the stub reads besides {@link #counter}, for {@link #touch} only (a one-element
     * stand-in when its getter was not found).
     */
    private final byte[] encryptedCounter;
    private final int[] roundKeys;

    JdkCtr(byte[] key) {
        this(key, UNAVAILABLE);
    }

    private JdkCtr(byte[] key, String unavailable) {
        if (unavailable != null) throw new IllegalStateException("JDK CounterMode unavailable: " + unavailable);
        try {
            mode = NEW_MODE.invoke(NEW_AES.invoke()); // new CounterMode(new AESCrypt())
            INIT.invoke(mode, false, "AES", key, new byte[16]); // expands the key; the IV is set per packet
            counter = (byte[]) COUNTER.invokeExact(mode);
            encryptedCounter = ENCRYPTED_COUNTER == null ? new byte[1] : (byte[]) ENCRYPTED_COUNTER.invoke(mode);
            int[] k = ROUND_KEYS == null ? null : (int[]) ROUND_KEYS.invoke(mode);
            roundKeys = k == null || k.length == 0 ? new int[1] : k;
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

    /**
     * Reads the state the next packet uses (cache warming): the counter, and the JDK's state its stub reads:
     * the mode object, the encrypted counter and every cache line of the expanded key (64 B = 16 ints apart).
     */
    int touch() {
        int x = counter[0] + encryptedCounter[0];
        int[] k = roundKeys;
        for (int i = 0; i < k.length; i += 16) {
            x += k[i];
        }
        x += k[k.length - 1];
        if (GET_USED != null) {
            try {
                x += (int) GET_USED.invokeExact(mode);
            } catch (Throwable t) {
                throw new IllegalStateException("JDK CounterMode", t);
            }
        }
        return x;
    }

    /** Ints of the JDK's expanded key that {@link #touch} reads line by line (1 when its getter was not found). */
    int touchedKeyInts() {
        return roundKeys.length;
    }

    /** Whether {@link #touch} reads the JDK's mode object and encrypted counter too. */
    boolean touchesModeState() {
        return GET_USED != null && encryptedCounter.length == 16;
    }

    /** A getter of {@code owner}'s field {@code name} taking and returning Object (or {@code type}); null if not found. */
    private static MethodHandle getter(String owner, String name, Class<?> type) {
        try {
            Class<?> c = Class.forName(owner);
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && (type == null || f.getType() == type)) {
                    MethodHandle h = l.unreflectGetter(f);
                    return h.asType(MethodType.methodType(f.getType().isPrimitive() ? f.getType() : Object.class,
                            Object.class));
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
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
