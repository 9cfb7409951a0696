package org.jsfu.core.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP key derivation, RFC 3711 section 4.3, with key_derivation_rate 0 (so r = 0) and the AES-CM
 * PRF of section 4.3.3. RFC 7714 section 11 keeps this KDF for AEAD, with the 96-bit master salt
 * (the PRF input is then the 12-byte salt followed by two zero bytes, as libsrtp does).
 */
final class SrtpKdf {
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTH = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTH = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    private final Cipher aes;
    private final byte[] masterSalt14 = new byte[14];

    SrtpKdf(byte[] masterKey, byte[] masterSalt) {
        if (masterSalt.length > 14) throw new IllegalArgumentException("master salt longer than 112 bits");
        System.arraycopy(masterSalt, 0, masterSalt14, 0, masterSalt.length);
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }

    /**
     * Section 4.3.1: key_id = label || r (r = 0), x = key_id XOR master_salt (key_id right-aligned in
     * 112 bits, so the label lands in byte 7), then PRF_n(k_master, x) = AES-CM keystream with IV x * 2^16.
     */
    byte[] derive(int label, int length) {
        byte[] x = masterSalt14.clone();
        x[7] ^= (byte) label;
        int blocks = (length + 15) / 16;
        byte[] counters = new byte[blocks * 16];
        for (int j = 0; j < blocks; j++) {
            System.arraycopy(x, 0, counters, j * 16, 14);
            counters[j * 16 + 14] = (byte) (j >>> 8);
            counters[j * 16 + 15] = (byte) j;
        }
        try {
            byte[] ks = aes.doFinal(counters);
            byte[] out = new byte[length];
            System.arraycopy(ks, 0, out, 0, length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
