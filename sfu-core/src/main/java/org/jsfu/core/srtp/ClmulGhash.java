package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Objects;

/**
 * GHASH multiplication by the JDK's own: the private static
 * {@code com.sun.crypto.provider.GHASH.processBlocks(byte[], int, int, long[], long[])}, which C2
 * replaces with a PCLMULQDQ (x86_64) or PMULL (aarch64) stub (HotSpot intrinsic
 * {@code _ghash_processBlocks}); in the interpreter and C1 it is the JDK's plain Java. About 45-65 ns for
 * a 9-block SRTP packet against 850-1150 ns for {@link TableGhash} (sfu-core README).
 *
 * <p>Reaching it needs {@code java.base/com.sun.crypto.provider} opened to us: the server jar's manifest
 * has {@code Add-Opens}, the tests' argLine has the flag. The stub has no bounds checks, so
 * {@link #blocks} checks the range itself, and the subkey table is the one the JDK's own constructor
 * makes (the stub keeps powers of H in it; its size is the JDK's business). At class load the JDK path
 * must agree with {@link TableGhash} on a few inputs, or it is not used.
 */
final class ClmulGhash extends Ghash {
    private static final MethodHandle PROCESS_BLOCKS;
    private static final MethodHandle NEW_JDK_GHASH;
    private static final MethodHandle SUBKEY_TABLE;
    private static final String UNAVAILABLE;

    static {
        MethodHandle blocks = null;
        MethodHandle ctor = null;
        MethodHandle table = null;
        String why = null;
        try {
            Class<?> c = Class.forName("com.sun.crypto.provider.GHASH");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            blocks = l.findStatic(c, "processBlocks",
                    MethodType.methodType(void.class, byte[].class, int.class, int.class, long[].class, long[].class));
            ctor = l.findConstructor(c, MethodType.methodType(void.class, byte[].class))
                    .asType(MethodType.methodType(Object.class, byte[].class));
            table = l.findGetter(c, "subkeyHtbl", long[].class).asType(MethodType.methodType(long[].class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why = e.getClass().getSimpleName();
        }
        PROCESS_BLOCKS = blocks;
        NEW_JDK_GHASH = ctor;
        SUBKEY_TABLE = table;
        UNAVAILABLE = why != null ? why : selfTest();
    }

    private final long[] subkeyTable;

    ClmulGhash(byte[] h) {
        this(jdkSubkeyTable(h, UNAVAILABLE));
    }

    /** With its partial-block buffer in {@code buf} ({@link Ghash#Ghash(byte[], int)}). */
    ClmulGhash(byte[] h, byte[] buf, int at) {
        super(buf, at);
        this.subkeyTable = jdkSubkeyTable(h, UNAVAILABLE);
    }

    private ClmulGhash(long[] subkeyTable) {
        this.subkeyTable = subkeyTable;
    }

    /** A new JDK GHASH's table for {@code h}, unless {@code unavailable} says why not. */
    private static long[] jdkSubkeyTable(byte[] h, String unavailable) {
        if (unavailable != null) throw new IllegalStateException("JDK GHASH unavailable: " + unavailable);
        try {
            Object jdkGhash = NEW_JDK_GHASH.invokeExact(h);
            return (long[]) SUBKEY_TABLE.invokeExact(jdkGhash);
        } catch (Throwable t) {
            throw new IllegalStateException("JDK GHASH", t);
        }
    }

    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Null when available; otherwise why not (an exception's class, or "self-test"). */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    @Override
    int touch() {
        long[] t = subkeyTable; // every cache line of it (64 B = 8 longs apart)
        long x = super.touch() + t[t.length - 1];
        for (int i = 0; i < t.length; i += 8) {
            x += t[i];
        }
        return (int) x;
    }

    @Override
    void blocks(byte[] b, int p, int count) {
        // the stub reads whatever it is given; in long, as count << 4 overflows an int from 2^27 blocks
        Objects.checkFromIndexSize(p, (long) count << 4, b.length);
        try {
            PROCESS_BLOCKS.invokeExact(b, p, count, state, subkeyTable);
        } catch (Throwable t) {
            throw new IllegalStateException("JDK GHASH", t);
        }
    }

    /** Null when the JDK's GHASH agrees with {@link TableGhash} on inputs of 1 to 20 blocks. */
    private static String selfTest() {
        try {
            byte[] h = new byte[16];
            byte[] data = new byte[16 * 20 + 7];
            for (int i = 0; i < h.length; i++) h[i] = (byte) (i * 37 + 11);
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 131 + 7 ^ i >>> 3);
            Ghash fast = new ClmulGhash(jdkSubkeyTable(h, null));
            Ghash plain = new TableGhash(h);
            byte[] a = new byte[16];
            byte[] b = new byte[16];
            for (int n = 1; n <= data.length; n += 13) {
                for (Ghash g : new Ghash[] {fast, plain}) {
                    g.reset();
                    g.update(data, 3, Math.min(n, 9));
                    g.pad();
                    g.update(data, 3 + Math.min(n, 9), Math.max(0, n - 9 - 3));
                }
                fast.finish(9, n, a, 0);
                plain.finish(9, n, b, 0);
                if (!Arrays.equals(a, b)) return "self-test";
            }
            return null;
        } catch (RuntimeException e) {
            return "self-test " + e.getClass().getSimpleName();
        }
    }
}
