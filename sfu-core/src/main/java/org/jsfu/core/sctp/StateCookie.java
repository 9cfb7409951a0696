package org.jsfu.core.sctp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The State Cookie of INIT ACK (RFC 4960 5.1.3): the peer's INIT parameters and our tag, a creation
 * time and lifetime, signed with HMAC-SHA256 under a per-association secret, so no state is kept
 * between INIT and COOKIE ECHO.
 */
final class StateCookie {
    static final int BODY = 4 + 8 + 4 + 4 + 4 + 4 + 2 + 2 + 1;
    static final int LENGTH = BODY + 32;
    private static final int MAGIC = 0x4a534643; // "JSFC"

    /** The peer's INIT values carried in the cookie. */
    record Contents(long createdMs, int localTag, int peerTag, int peerInitialTsn, long peerRwnd,
                    int peerOutStreams, int peerInStreams, boolean peerForwardTsn) {
    }

    private final Mac mac;
    private final long lifetimeMs;

    StateCookie(Random random, long lifetimeMs) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        this.lifetimeMs = lifetimeMs;
    }

    /** Writes the cookie at {@code o} ({@link #LENGTH} bytes). */
    void write(byte[] b, int o, Contents c) {
        Chunks.put32(b, o, MAGIC);
        Chunks.put64(b, o + 4, c.createdMs());
        Chunks.put32(b, o + 12, c.localTag());
        Chunks.put32(b, o + 16, c.peerTag());
        Chunks.put32(b, o + 20, c.peerInitialTsn());
        Chunks.put32(b, o + 24, (int) c.peerRwnd());
        Chunks.put16(b, o + 28, c.peerOutStreams());
        Chunks.put16(b, o + 30, c.peerInStreams());
        b[o + 32] = (byte) (c.peerForwardTsn() ? 1 : 0);
        mac.update(b, o, BODY);
        try {
            mac.doFinal(b, o + BODY);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The verified contents, or null when the cookie is malformed, forged or stale (5.1.5). */
    Contents verify(byte[] b, int o, int len, long nowMs) {
        if (len != LENGTH || Chunks.i32(b, o) != MAGIC) {
            return null;
        }
        mac.update(b, o, BODY);
        byte[] expected = mac.doFinal();
        byte[] got = java.util.Arrays.copyOfRange(b, o + BODY, o + LENGTH);
        if (!MessageDigest.isEqual(expected, got)) {
            return null;
        }
        long created = Chunks.i64(b, o + 4);
        if (nowMs - created > lifetimeMs || created - nowMs > lifetimeMs) {
            return null;
        }
        return new Contents(created, Chunks.i32(b, o + 12), Chunks.i32(b, o + 16), Chunks.i32(b, o + 20),
                Chunks.u32(b, o + 24), Chunks.u16(b, o + 28), Chunks.u16(b, o + 30), b[o + 32] != 0);
    }
}
