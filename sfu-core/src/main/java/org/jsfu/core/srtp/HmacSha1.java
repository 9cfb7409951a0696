package org.jsfu.core.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over a reused MessageDigest with the key pads computed once. Unlike
 * javax.crypto.Mac.doFinal, which allocates its inner digest, this writes into caller buffers and
 * allocates nothing per message; the SHA-1 compression is the JDK's (intrinsic where the CPU has it).
 */
final class HmacSha1 {
    private static final int BLOCK = 64;
    private final MessageDigest md;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final byte[] inner = new byte[20];

    HmacSha1(byte[] key) {
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
        byte[] k = key.length > BLOCK ? md.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte kb = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (kb ^ 0x36);
            opad[i] = (byte) (kb ^ 0x5c);
        }
        md.update(ipad); // ready for the first message
    }

    int touch() {
        return ipad[0] + opad[0] + inner[0] + md.getDigestLength();
    }

    void update(byte[] b, int off, int len) {
        md.update(b, off, len);
    }

    /** Writes the 20-byte MAC to out[off..] and resets for the next message. */
    void doFinal(byte[] out, int off) {
        try {
            md.digest(inner, 0, 20);
            md.update(opad);
            md.update(inner, 0, 20);
            md.digest(out, off, 20);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        md.update(ipad);
    }
}
