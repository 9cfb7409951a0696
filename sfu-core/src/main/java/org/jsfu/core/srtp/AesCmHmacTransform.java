package org.jsfu.core.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES_CM_128_HMAC_SHA1_80: AES in counter mode (RFC 3711 section 4.1.1) with the counter blocks
 * encrypted by one JCE AES/ECB call per packet (key schedule expanded once), and HMAC-SHA1
 * (section 4.2.1) truncated to 80 bits, on a reused SHA-1 digest with precomputed key pads.
 */
final class AesCmHmacTransform extends SrtpTransform {
    static final int TAG = 10;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Cipher rtpEcb;
    private final Cipher rtcpEcb;
    private final HmacSha1 rtpMac;
    private final HmacSha1 rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[16];
    private final byte[] mac = new byte[20];
    private final byte[] roc = new byte[4];
    private byte[] counters = new byte[2048];
    private byte[] keystream = new byte[2048];

    AesCmHmacTransform(byte[] masterKey, byte[] masterSalt) {
        SrtpKdf kdf = new SrtpKdf(masterKey, masterSalt);
        try {
            rtpEcb = ecb(kdf.derive(SrtpKdf.LABEL_RTP_ENCRYPTION, 16));
            rtcpEcb = ecb(kdf.derive(SrtpKdf.LABEL_RTCP_ENCRYPTION, 16));
            rtpMac = hmac(kdf.derive(SrtpKdf.LABEL_RTP_AUTH, 20));
            rtcpMac = hmac(kdf.derive(SrtpKdf.LABEL_RTCP_AUTH, 20));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/HMAC-SHA1 unavailable", e);
        }
        rtpSalt = kdf.derive(SrtpKdf.LABEL_RTP_SALT, 14);
        rtcpSalt = kdf.derive(SrtpKdf.LABEL_RTCP_SALT, 14);
    }

    /** For known-answer tests with session keys given directly (RFC 3711 appendix B.2). */
    AesCmHmacTransform(byte[] sessionKey, byte[] sessionSalt, byte[] authKey) throws GeneralSecurityException {
        rtpEcb = ecb(sessionKey);
        rtcpEcb = ecb(sessionKey);
        rtpMac = hmac(authKey);
        rtcpMac = hmac(authKey);
        rtpSalt = sessionSalt.clone();
        rtcpSalt = sessionSalt.clone();
    }

    private static Cipher ecb(byte[] key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c;
    }

    private static HmacSha1 hmac(byte[] key) {
        return new HmacSha1(key);
    }

    @Override
    int tagLength() { return TAG; }

    @Override
    int touchFields() {
        return rtpMac != null ? 1 : 0;
    }

    @Override
    int touch() {
        return rtpSalt[0] + iv[0] + counters[0] + keystream[0] + rtpEcb.getBlockSize() + rtpMac.touch();
    }

    @Override
    int protectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        xorKeystream(rtpEcb, rtpSalt, ssrc, index, b, off + hdrLen, len - hdrLen);
        // Section 4.2: authenticated portion || ROC.
        putInt(roc, 0, (int) (index >>> 16));
        rtpMac.update(b, off, len);
        rtpMac.update(roc, 0, 4);
        finish(rtpMac);
        System.arraycopy(mac, 0, b, off + len, TAG);
        return len + TAG;
    }

    @Override
    int unprotectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        int authLen = len - TAG;
        putInt(roc, 0, (int) (index >>> 16));
        rtpMac.update(b, off, authLen);
        rtpMac.update(roc, 0, 4);
        finish(rtpMac);
        if (!tagMatches(b, off + authLen)) return -1;
        xorKeystream(rtpEcb, rtpSalt, ssrc, index, b, off + hdrLen, authLen - hdrLen);
        return authLen;
    }

    @Override
    int protectRtcp(byte[] b, int off, int len, int ssrc, int index) {
        // Section 3.4: encrypt after the first 8 bytes, then append E=1|index, then the tag over all.
        xorKeystream(rtcpEcb, rtcpSalt, ssrc, index, b, off + 8, len - 8);
        putInt(b, off + len, 0x80000000 | index);
        rtcpMac.update(b, off, len + 4);
        finish(rtcpMac);
        System.arraycopy(mac, 0, b, off + len + 4, TAG);
        return len + 4 + TAG;
    }

    @Override
    int rtcpIndexOffset(int len) { return len - TAG - 4; }

    @Override
    int unprotectRtcp(byte[] b, int off, int len, int ssrc, int eIndex) {
        int authLen = len - TAG;
        rtcpMac.update(b, off, authLen);
        finish(rtcpMac);
        if (!tagMatches(b, off + authLen)) return -1;
        int plainLen = authLen - 4;
        if (eIndex < 0) { // E flag set: payload is encrypted
            xorKeystream(rtcpEcb, rtcpSalt, ssrc, eIndex & 0x7fffffff, b, off + 8, plainLen - 8);
        }
        return plainLen;
    }

    private void finish(HmacSha1 m) {
        m.doFinal(mac, 0);
    }

    private boolean tagMatches(byte[] b, int p) {
        int diff = 0;
        for (int i = 0; i < TAG; i++) diff |= mac[i] ^ b[p + i];
        return diff == 0;
    }

    /**
     * Section 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16); block j of the keystream is
     * AES(k_e, IV + j). n bytes at b[p..] are XORed with the keystream.
     */
    private void xorKeystream(Cipher ecb, byte[] salt, int ssrc, long index, byte[] b, int p, int n) {
        if (n <= 0) return;
        int blocks = (n + 15) >>> 4;
        int bytes = blocks << 4;
        if (bytes > counters.length) { // only for packets over 2 KB: grow once
            counters = new byte[bytes];
            keystream = new byte[bytes];
        }
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int k = 0; k < 6; k++) iv[8 + k] ^= (byte) (index >>> (40 - 8 * k));
        byte[] ctr = counters;
        for (int j = 0; j < blocks; j++) {
            int q = j << 4;
            System.arraycopy(iv, 0, ctr, q, 14);
            ctr[q + 14] = (byte) (j >>> 8);
            ctr[q + 15] = (byte) j;
        }
        try {
            ecb.update(ctr, 0, bytes, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        byte[] ks = keystream;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long v = (long) LONGS.get(b, p + i) ^ (long) LONGS.get(ks, i);
            LONGS.set(b, p + i, v);
        }
        for (; i < n; i++) b[p + i] ^= ks[i];
    }
}
