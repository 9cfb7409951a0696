package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.jsfu.core.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * The two GHASH multiplications agree, the tests' JVM uses the JDK's (as the server jar does), and a JVM
 * without {@code --add-opens java.base/com.sun.crypto.provider} falls back to the table.
 */
class GhashTest {
    @Test
    void theJdksAndTheTableAgreeOnRandomKeysDataAndSplits() {
        // enough rounds for C2 to compile ClmulGhash.blocks, so the PCLMULQDQ stub is compared too
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] data = new byte[1600];
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        for (int round = 0; round < 30_000; round++) {
            byte[] h = new byte[16];
            for (int i = 0; i < 16; i++) h[i] = (byte) rnd.nextInt();
            Ghash fast = new ClmulGhash(h);
            Ghash plain = new TableGhash(h);
            int aad = rnd.nextInt(0, 40);
            int text = rnd.nextInt(0, round % 100 == 0 ? 1500 : 200);
            for (int i = 0; i < aad + text; i++) data[i] = (byte) rnd.nextInt();
            int split = rnd.nextInt(0, text + 1);
            for (Ghash g : new Ghash[] {fast, plain}) {
                g.reset();
                g.update(data, 0, aad);
                g.pad();
                g.update(data, aad, split);
                g.update(data, aad + split, text - split);
            }
            fast.finish(aad, text, a, 0);
            plain.finish(aad, text, b, 0);
            assertArrayEquals(b, a, "round " + round + ": aad " + aad + ", text " + text + ", split " + split);
        }
    }

    @Test
    void hashesSharingABufferRegionInTurnGiveWhatHashesWithTheirOwnGive() {
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] shared = new byte[40];
        java.util.Arrays.fill(shared, (byte) 0x5a);
        byte[] h1 = new byte[16];
        byte[] h2 = new byte[16];
        for (int i = 0; i < 16; i++) {
            h1[i] = (byte) rnd.nextInt();
            h2[i] = (byte) rnd.nextInt();
        }
        Ghash[][] pairs = {
            {new ClmulGhash(h1, shared, 13), new ClmulGhash(h2, shared, 13), new ClmulGhash(h1), new ClmulGhash(h2)},
            {new TableGhash(h1, shared, 13), new TableGhash(h2, shared, 13), new TableGhash(h1), new TableGhash(h2)},
        };
        byte[] data = new byte[300];
        byte[] got = new byte[16];
        byte[] want = new byte[16];
        for (Ghash[] g : pairs) {
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < data.length; i++) data[i] = (byte) rnd.nextInt();
                int k = round & 1; // the two shared hashes alternate, as an SRTP transform's RTP and RTCP ones
                int aad = rnd.nextInt(1, 30);
                int text = rnd.nextInt(0, 250);
                for (Ghash x : new Ghash[] {g[k], g[k + 2]}) {
                    x.reset();
                    int first = Math.min(aad, 5); // a split field: partial blocks go through the buffer
                    x.update(data, 0, first);
                    x.update(data, first, aad - first);
                    x.pad();
                    x.update(data, 40, text);
                }
                g[k].finish(aad, text, got, 0);
                g[k + 2].finish(aad, text, want, 0);
                assertArrayEquals(want, got, "round " + round);
            }
        }
        for (int i = 0; i < shared.length; i++) {
            if (i < 13 || i >= 29) assertEquals((byte) 0x5a, shared[i], "outside the region: byte " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> new TableGhash(h1, new byte[20], 5));
    }

    @Test
    void aRangeOutsideTheArrayIsRefusedBeforeTheJdkStubReadsIt() {
        Ghash g = new ClmulGhash(new byte[16]);
        assertThrows(IndexOutOfBoundsException.class, () -> g.blocks(new byte[32], 17, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> g.blocks(new byte[32], -16, 1));
        // a block count whose byte length overflows an int (2^28 * 16 = 2^32, 0 as an int)
        assertThrows(IndexOutOfBoundsException.class, () -> g.blocks(new byte[32], 0, 1 << 28));
        assertThrows(IndexOutOfBoundsException.class, () -> g.blocks(new byte[32], 0, -1));
    }

    @Test
    void thisBuildsTestsUseTheJdkMultiply() {
        // surefire's argLine opens the package (parent pom, jsfu.ffm.jvm), as the server jar's manifest does
        assertTrue(ClmulGhash.available(), "unavailable: " + ClmulGhash.unavailableReason());
        assertEquals("clmul", SrtpSession.gcmHashImplementation());
        assertInstanceOf(ClmulGhash.class, Ghash.of(new byte[16]));
        assertTrue(JdkCtr.available(), "unavailable: " + JdkCtr.unavailableReason());
    }

    @Test
    void aJvmWithoutTheOpenPackageUsesTheTableAndTheEcbKeystream() throws Exception {
        assertEquals("ecb (IllegalAccessException)\ntable (IllegalAccessException)", probe(List.of()));
        assertEquals("jdk\nclmul", probe(List.of("--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED")));
    }

    @Test
    void theJdksCounterModeGivesTheEcbKeystreamsBytes() {
        // the transforms' fallback builds counter blocks and encrypts them with AES/ECB: the same keystream
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] key = new byte[16];
            byte[] block = new byte[16];
            for (int i = 0; i < 16; i++) {
                key[i] = (byte) rnd.nextInt();
                block[i] = (byte) rnd.nextInt();
            }
            block[12] = 0; // the low 32 bits do not wrap inside one packet
            int len = rnd.nextInt(0, round % 100 == 0 ? 1500 : 200);
            byte[] text = new byte[len + 5];
            for (int i = 0; i < text.length; i++) text[i] = (byte) rnd.nextInt();
            byte[] want = text.clone();
            xorEcbKeystream(key, block, want, 5, len);
            JdkCtr c = new JdkCtr(key);
            c.start(block, 0);
            int split = rnd.nextInt(0, len + 1);
            c.crypt(text, 5, split, text, 5);
            c.crypt(text, 5 + split, len - split, text, 5 + split);
            assertArrayEquals(want, text, "round " + round + ", length " + len + ", split " + split);
        }
    }

    @Test
    void theCacheWarmingReadsTheJdksKeyScheduleAndChangesNoKeystream() {
        JdkCtr c = new JdkCtr(new byte[16]);
        assertEquals(44, c.touchedKeyInts()); // AES-128: 11 round keys of 4 ints
        assertTrue(c.touchesModeState());
        byte[] block = new byte[16];
        block[15] = 1;
        byte[] a = new byte[40];
        c.start(block, 0);
        c.crypt(a, 0, 17, a, 0);
        c.touch();
        c.crypt(a, 17, 23, a, 17); // a touch in the middle of a packet leaves the keystream where it was
        byte[] b = new byte[40];
        c.start(block, 0);
        c.crypt(b, 0, 40, b, 0);
        assertArrayEquals(b, a);
    }

    @Test
    void aRangeOutsideTheArrayIsRefusedBeforeTheCounterStubWritesIt() {
        JdkCtr c = new JdkCtr(new byte[16]);
        c.start(new byte[16], 0);
        // refused before a byte is written: the JDK's Java loop would write up to the array's end first, the
        // stub beyond it
        byte[] out = new byte[32];
        assertThrows(IndexOutOfBoundsException.class, () -> c.crypt(new byte[32], 0, 32, out, 1));
        assertArrayEquals(new byte[32], out);
        assertThrows(IndexOutOfBoundsException.class, () -> c.crypt(new byte[32], 20, 13, out, 0));
        assertArrayEquals(new byte[32], out);
    }

    private static void xorEcbKeystream(byte[] key, byte[] block, byte[] b, int off, int len) {
        try {
            javax.crypto.Cipher ecb = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"));
            byte[] ctr = block.clone();
            for (int i = 0; i < len; i += 16) {
                byte[] ks = ecb.doFinal(ctr);
                for (int j = 0; j < 16 && i + j < len; j++) b[off + i + j] ^= ks[j];
                for (int k = 15; k >= 0 && ++ctr[k] == 0; k--) { } // big-endian increment
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** What a child JVM running {@link GhashProbe} with {@code flags} prints: its last two lines. */
    private static String probe(List<String> flags) throws IOException, InterruptedException {
        return ChildJvm.lastLines(ChildJvm.run(flags, GhashProbe.class, 30), 2);
    }
}
