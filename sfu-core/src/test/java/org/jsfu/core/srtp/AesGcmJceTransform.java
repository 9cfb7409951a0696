package org.jsfu.core.srtp;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test oracle: AEAD_AES_128_GCM for SRTP/SRTCP (RFC 7714) on JCE AES/GCM/NoPadding (the first implementation). JCE needs one init per packet
 * (a fresh IV each time); the Cipher and key objects are kept for the session. Output goes through a
 * session scratch buffer so JCE never sees overlapping input and output.
 */
final class AesGcmJceTransform extends SrtpTransform {
    static final int TAG = 16;

    private final Cipher rtpGcm;
    private final Cipher rtcpGcm;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[12];
    private final byte[] word = new byte[4];
    private byte[] scratch = new byte[2048];

    AesGcmJceTransform(byte[] masterKey, byte[] masterSalt) {
        SrtpKdf kdf = new SrtpKdf(masterKey, masterSalt);
        rtpKey = new SecretKeySpec(kdf.derive(SrtpKdf.LABEL_RTP_ENCRYPTION, 16), "AES");
        rtcpKey = new SecretKeySpec(kdf.derive(SrtpKdf.LABEL_RTCP_ENCRYPTION, 16), "AES");
        rtpSalt = kdf.derive(SrtpKdf.LABEL_RTP_SALT, 12);
        rtcpSalt = kdf.derive(SrtpKdf.LABEL_RTCP_SALT, 12);
        rtpGcm = newGcm();
        rtcpGcm = newGcm();
    }

    /** For the RFC 7714 known-answer tests, which give session key and salt directly. */
    AesGcmJceTransform(byte[] sessionKey, byte[] sessionSalt, boolean sessionKeysGiven) {
        rtpKey = new SecretKeySpec(sessionKey, "AES");
        rtcpKey = rtpKey;
        rtpSalt = sessionSalt.clone();
        rtcpSalt = sessionSalt.clone();
        rtpGcm = newGcm();
        rtcpGcm = newGcm();
    }

    private static Cipher newGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    @Override
    int tagLength() { return TAG; }

    /** RFC 7714 section 8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt. */
    private void rtpIv(byte[] salt, int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 12);
        iv[2] ^= (byte) (ssrc >>> 24);
        iv[3] ^= (byte) (ssrc >>> 16);
        iv[4] ^= (byte) (ssrc >>> 8);
        iv[5] ^= (byte) ssrc;
        for (int k = 0; k < 6; k++) iv[6 + k] ^= (byte) (index >>> (40 - 8 * k));
    }

    /** RFC 7714 section 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index (31 bits)) XOR salt. */
    private void rtcpIv(byte[] salt, int ssrc, int index) {
        System.arraycopy(salt, 0, iv, 0, 12);
        iv[2] ^= (byte) (ssrc >>> 24);
        iv[3] ^= (byte) (ssrc >>> 16);
        iv[4] ^= (byte) (ssrc >>> 8);
        iv[5] ^= (byte) ssrc;
        iv[8] ^= (byte) ((index >>> 24) & 0x7f);
        iv[9] ^= (byte) (index >>> 16);
        iv[10] ^= (byte) (index >>> 8);
        iv[11] ^= (byte) index;
    }

    private void init(Cipher c, int mode, SecretKeySpec key) throws GeneralSecurityException {
        try {
            c.init(mode, key, new GCMParameterSpec(128, iv));
        } catch (InvalidAlgorithmParameterException e) {
            if (mode != Cipher.ENCRYPT_MODE) throw e;
            // JCE refuses the same key+IV twice in a row for encryption. That happens only when the very
            // same packet index is protected again (a retransmission with its original sequence number),
            // which yields the identical ciphertext; pass through a different IV first, then retry.
            iv[0] ^= 1;
            c.init(mode, key, new GCMParameterSpec(128, iv));
            iv[0] ^= 1;
            c.init(mode, key, new GCMParameterSpec(128, iv));
        }
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) scratch = new byte[n + 64]; // grows once for jumbo packets
        return scratch;
    }

    @Override
    int protectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        rtpIv(rtpSalt, ssrc, index);
        try {
            init(rtpGcm, Cipher.ENCRYPT_MODE, rtpKey);
            rtpGcm.updateAAD(b, off, hdrLen); // section 8.2: AAD is the RTP header
            byte[] out = scratch(len - hdrLen + TAG);
            int n = rtpGcm.doFinal(b, off + hdrLen, len - hdrLen, out, 0);
            System.arraycopy(out, 0, b, off + hdrLen, n);
            return hdrLen + n;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM protect failed", e);
        }
    }

    @Override
    int unprotectRtp(byte[] b, int off, int hdrLen, int len, int ssrc, long index) {
        rtpIv(rtpSalt, ssrc, index);
        try {
            init(rtpGcm, Cipher.DECRYPT_MODE, rtpKey);
            rtpGcm.updateAAD(b, off, hdrLen);
            byte[] out = scratch(len - hdrLen);
            int n = rtpGcm.doFinal(b, off + hdrLen, len - hdrLen, out, 0);
            System.arraycopy(out, 0, b, off + hdrLen, n);
            return hdrLen + n;
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM unprotect failed", e);
        }
    }

    @Override
    int protectRtcp(byte[] b, int off, int len, int ssrc, int index) {
        // RFC 7714 section 9: header(8) | ciphertext | tag | E=1|index; AAD = header || E|index.
        rtcpIv(rtcpSalt, ssrc, index);
        putInt(word, 0, 0x80000000 | index);
        try {
            init(rtcpGcm, Cipher.ENCRYPT_MODE, rtcpKey);
            rtcpGcm.updateAAD(b, off, 8);
            rtcpGcm.updateAAD(word, 0, 4);
            byte[] out = scratch(len - 8 + TAG);
            int n = rtcpGcm.doFinal(b, off + 8, len - 8, out, 0);
            System.arraycopy(out, 0, b, off + 8, n);
            System.arraycopy(word, 0, b, off + 8 + n, 4);
            return 8 + n + 4;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM protect failed", e);
        }
    }

    @Override
    int rtcpIndexOffset(int len) { return len - 4; }

    @Override
    int unprotectRtcp(byte[] b, int off, int len, int ssrc, int eIndex) {
        rtcpIv(rtcpSalt, ssrc, eIndex & 0x7fffffff);
        int body = len - 4; // without the E|index word
        try {
            init(rtcpGcm, Cipher.DECRYPT_MODE, rtcpKey);
            byte[] out = scratch(body);
            if (eIndex < 0) {
                rtcpGcm.updateAAD(b, off, 8);
                rtcpGcm.updateAAD(b, off + body, 4);
                int n = rtcpGcm.doFinal(b, off + 8, body - 8, out, 0);
                System.arraycopy(out, 0, b, off + 8, n);
                return 8 + n;
            }
            // E=0 (section 9.2): the whole plaintext packet is AAD, the tag covers an empty plaintext.
            int plainLen = body - TAG;
            rtcpGcm.updateAAD(b, off, plainLen);
            rtcpGcm.updateAAD(b, off + body, 4);
            rtcpGcm.doFinal(b, off + plainLen, TAG, out, 0);
            return plainLen;
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM unprotect failed", e);
        }
    }
}
