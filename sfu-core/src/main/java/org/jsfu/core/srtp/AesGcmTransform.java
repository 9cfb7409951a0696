package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM for SRTP/SRTCP (RFC 7714) without per-packet allocation: the GCM counter blocks
 * (NIST SP 800-38D, 96-bit IV: J0 = IV || 1) are encrypted by the JDK's AES counter mode ({@link JdkCtr})
 * when this JVM opens it, else by one JCE AES/ECB call per packet; the tag is computed by {@link Ghash}.
 * (JCE AES/GCM needs a new init and ~1.1 KB of garbage per packet.)
 */
final class AesGcmTransform extends SrtpTransform {
    static final int TAG = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Cipher rtpEcb;
    private final Cipher rtcpEcb;
    /** The JDK's AES-CTR when {@link JdkCtr#available()}: then the ECB Ciphers only made the hash subkeys. */
    private final JdkCtr rtpCtr;
    private final JdkCtr rtcpCtr;
    private static final byte[] ZERO_BLOCK = new byte[16];
    private final Ghash rtpGhash;
    private final Ghash rtcpGhash;

    /**
     * The salts and a packet's small working values in one array, so that an RTP packet reads two or three
     * cache lines of a cold subscriber here rather than seven objects: RTP's salt, the IV, the counter block
     * J0 (with the JDK's counter mode), E(K, J0), the tag, the hashes' partial block (both hashes share it:
     * one runs at a time), then what only SRTCP uses, its salt and the E|index word.
     */
    private final byte[] work = new byte[WORK];
    private static final int RTP_SALT = 0;
    private static final int IV = 12;
    private static final int J0 = 24;
    private static final int J0_KEYSTREAM = 40;
    private static final int TAG_AT = 56;
    private static final int HASH_BUFFER = 72;
    private static final int RTCP_SALT = 88;
    private static final int WORD = 100;
    private static final int WORK = 104;
    /** Without the JDK's counter mode: the counter blocks and their keystream, E(K, J0) first; else null. */
    private byte[] counters;
    private byte[] keystream;

    AesGcmTransform(byte[] masterKey, byte[] masterSalt) {
        this(new SrtpKdf(masterKey, masterSalt), true);
    }

    /**
     * With {@code jdk} false, the fallbacks (AES/ECB keystream, {@link TableGhash}) even where the JDK's are
     * reachable; for tests.
     */
    static AesGcmTransform of(byte[] masterKey, byte[] masterSalt, boolean jdk) {
        return new AesGcmTransform(new SrtpKdf(masterKey, masterSalt), jdk);
    }

    private AesGcmTransform(SrtpKdf kdf, boolean jdk) {
        this(kdf.derive(SrtpKdf.LABEL_RTP_ENCRYPTION, 16), kdf.derive(SrtpKdf.LABEL_RTCP_ENCRYPTION, 16),
                kdf.derive(SrtpKdf.LABEL_RTP_SALT, 12), kdf.derive(SrtpKdf.LABEL_RTCP_SALT, 12), jdk);
    }

    /** For the RFC 7714 known-answer tests, which give session key and salt directly. */
    AesGcmTransform(byte[] sessionKey, byte[] sessionSalt, boolean sessionKeysGiven) {
        this(sessionKey, sessionSalt, sessionKeysGiven, true);
    }

    /** As above; {@code jdk} as in {@link #of}. */
    AesGcmTransform(byte[] sessionKey, byte[] sessionSalt, boolean sessionKeysGiven, boolean jdk) {
        this(sessionKey, sessionKey, sessionSalt.clone(), sessionSalt.clone(), jdk);
    }

    private AesGcmTransform(byte[] rtpKey, byte[] rtcpKey, byte[] rtpSalt, byte[] rtcpSalt, boolean jdk) {
        rtpEcb = ecb(rtpKey);
        rtcpEcb = ecb(rtcpKey);
        rtpGhash = jdk ? Ghash.of(hashSubkey(rtpEcb), work, HASH_BUFFER)
                : new TableGhash(hashSubkey(rtpEcb), work, HASH_BUFFER);
        rtcpGhash = jdk ? Ghash.of(hashSubkey(rtcpEcb), work, HASH_BUFFER)
                : new TableGhash(hashSubkey(rtcpEcb), work, HASH_BUFFER);
        rtpCtr = jdk && JdkCtr.available() ? new JdkCtr(rtpKey) : null;
        rtcpCtr = jdk && JdkCtr.available() ? new JdkCtr(rtcpKey) : null;
        counters = rtpCtr != null ? null : new byte[2048];
        keystream = rtpCtr != null ? null : new byte[2048];
        System.arraycopy(rtpSalt, 0, work, RTP_SALT, 12);
        System.arraycopy(rtcpSalt, 0, work, RTCP_SALT, 12);
    }

    private static Cipher ecb(byte[] key) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }

    private static byte[] hashSubkey(Cipher ecb) {
        try {
            return ecb.doFinal(new byte[16]); // H = E(K, 0^128)
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    int tagLength() { return TAG; }

    @Override
    int touchFields() {
        return rtpGhash != null ? 1 : 0;
    }

    @Override
    int touch() {
        return work[RTP_SALT] + work[HASH_BUFFER + 15] + rtpGhash.touch()
                + (rtpCtr != null ? rtpCtr.touch() : rtpEcb.getBlockSize());
    }

    /** RFC 7714 section 8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt. */
    private void rtpIv(int ssrc, long index) {
        byte[] iv = saltedWithSsrc(RTP_SALT, ssrc);
        for (int k = 0; k < 6; k++) iv[IV + 6 + k] ^= (byte) (index >>> (40 - 8 * k));
    }

    /** RFC 7714 section 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index (31 bits)) XOR salt. */
    private void rtcpIv(int ssrc, int index) {
        byte[] iv = saltedWithSsrc(RTCP_SALT, ssrc);
        iv[IV + 8] ^= (byte) ((index >>> 24) & 0x7f);
        iv[IV + 9] ^= (byte) (index >>> 16);
        iv[IV + 10] ^= (byte) (index >>> 8);
        iv[IV + 11] ^= (byte) index;
    }

    /** The IV's common part (both sections): the salt at {@code saltAt}, XOR the SSRC in bytes 2..5; returns the array. */
    private byte[] saltedWithSsrc(int saltAt, int ssrc) {
        byte[] iv = work;
        System.arraycopy(iv, saltAt, iv, IV, 12);
        iv[IV + 2] ^= (byte) (ssrc >>> 24);
        iv[IV + 3] ^= (byte) (ssrc >>> 16);
        iv[IV + 4] ^= (byte) (ssrc >>> 8);
        iv[IV + 5] ^= (byte) ssrc;
        return iv;
    }

    /**
     * E(K, J0) for the tag into the work array; then the text's keystream: with the JDK's counter mode it
     * continues in {@code ctr} (from J0 + 1, {@link #xor}), otherwise keystream[16..16+n) holds it.
     */
    private void keystream(Cipher ecb, JdkCtr ctr, int n) {
        if (ctr != null) {
            System.arraycopy(work, IV, work, J0, 12);
            putInt(work, J0 + 12, 1);
            ctr.start(work, J0);
            ctr.crypt(ZERO_BLOCK, 0, 16, work, J0_KEYSTREAM);
            return;
        }
        int blocks = 1 + ((n + 15) >>> 4);
        int bytes = blocks << 4;
        if (bytes > counters.length) { // only for packets over 2 KB: grow once
            counters = new byte[bytes];
            keystream = new byte[bytes];
        }
        byte[] blocksIn = counters;
        for (int j = 0; j < blocks; j++) {
            int q = j << 4;
            System.arraycopy(work, IV, blocksIn, q, 12);
            putInt(blocksIn, q + 12, j + 1);
        }
        try {
            ecb.update(blocksIn, 0, bytes, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(keystream, 0, work, J0_KEYSTREAM, 16);
    }

    private void xor(JdkCtr ctr, byte[] b, int p, int n) {
        if (ctr != null) {
            ctr.crypt(b, p, n, b, p);
            return;
        }
        byte[] ks = keystream;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(b, p + i, (long) LONGS.get(b, p + i) ^ (long) LONGS.get(ks, 16 + i));
        }
        for (; i < n; i++) b[p + i] ^= ks[16 + i];
    }

    /** tag = GHASH(...) XOR E(K, J0); the hash must already hold AAD and ciphertext. */
    private void tag(Ghash g, long aadLen, long textLen) {
        byte[] w = work;
        g.finish(aadLen, textLen, w, TAG_AT);
        for (int i = 0; i < 16; i++) w[TAG_AT + i] ^= w[J0_KEYSTREAM + i];
    }

    private boolean tagMatches(byte[] b, int p) {
        int diff = 0;
        byte[] w = work;
        for (int i = 0; i < TAG; i++) diff |= w[TAG_AT + i] ^ b[p + i];
        return diff == 0;
    }

    @Override
    int protectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        int n = len - hdrLen;
        rtpIv(ssrc, index);
        keystream(rtpEcb, rtpCtr, n);
        xor(rtpCtr, b, off + hdrLen, n);
        Ghash g = rtpGhash;
        g.reset();
        g.update(b, off, hdrLen); // section 8.2: AAD is the RTP header
        g.pad();
        g.update(b, off + hdrLen, n);
        tag(g, hdrLen, n);
        System.arraycopy(work, TAG_AT, b, off + len, TAG);
        return len + TAG;
    }

    @Override
    int unprotectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        int n = len - TAG - hdrLen;
        rtpIv(ssrc, index);
        keystream(rtpEcb, rtpCtr, n);
        Ghash g = rtpGhash;
        g.reset();
        g.update(b, off, hdrLen);
        g.pad();
        g.update(b, off + hdrLen, n);
        tag(g, hdrLen, n);
        if (!tagMatches(b, off + hdrLen + n)) return -1;
        xor(rtpCtr, b, off + hdrLen, n);
        return hdrLen + n;
    }

    @Override
    int protectRtcp(byte[] b, int off, int len, int ssrc, int index) {
        // RFC 7714 section 9: header(8) | ciphertext | tag | E=1|index; AAD = header || E|index.
        int n = len - 8;
        rtcpIv(ssrc, index);
        putInt(work, WORD, 0x80000000 | index);
        keystream(rtcpEcb, rtcpCtr, n);
        xor(rtcpCtr, b, off + 8, n);
        Ghash g = rtcpGhash;
        g.reset();
        g.update(b, off, 8);
        g.update(work, WORD, 4);
        g.pad();
        g.update(b, off + 8, n);
        tag(g, 12, n);
        System.arraycopy(work, TAG_AT, b, off + len, TAG);
        System.arraycopy(work, WORD, b, off + len + TAG, 4);
        return len + TAG + 4;
    }

    @Override
    int rtcpIndexOffset(int len) { return len - 4; }

    @Override
    int unprotectRtcp(byte[] b, int off, int len, int ssrc, int eIndex) {
        int body = len - 4; // without the E|index word
        rtcpIv(ssrc, eIndex & 0x7fffffff);
        Ghash g = rtcpGhash;
        g.reset();
        if (eIndex < 0) {
            int n = body - TAG - 8;
            keystream(rtcpEcb, rtcpCtr, n);
            g.update(b, off, 8);
            g.update(b, off + body, 4);
            g.pad();
            g.update(b, off + 8, n);
            tag(g, 12, n);
            if (!tagMatches(b, off + 8 + n)) return -1;
            xor(rtcpCtr, b, off + 8, n);
            return 8 + n;
        }
        // E=0 (section 9.2): the whole plaintext packet and E|index are AAD, the text is empty.
        int plainLen = body - TAG;
        keystream(rtcpEcb, rtcpCtr, 0);
        g.update(b, off, plainLen);
        g.update(b, off + body, 4);
        tag(g, plainLen + 4L, 0);
        return tagMatches(b, off + plainLen) ? plainLen : -1;
    }
}
