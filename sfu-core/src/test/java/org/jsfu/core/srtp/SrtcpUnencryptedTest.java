package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** SRTCP with the E flag clear (RFC 3711 section 3.4, RFC 7714 section 9.2), built with plain JCE as oracle. */
class SrtcpUnencryptedTest {
    private static final byte[] KEY = Hex.decode("000102030405060708090a0b0c0d0e0f");
    private static final byte[] AUTH = Hex.decode("0102030405060708090a0b0c0d0e0f1011121314");

    private static byte[] rtcp() {
        byte[] b = new byte[28];
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[3] = 6;
        SrtpTransform.putInt(b, 4, 0xcafe0001);
        for (int i = 8; i < 28; i++) b[i] = (byte) (i * 3);
        return b;
    }

    @Test
    void aesCmAuthOnly() throws Exception {
        byte[] plain = rtcp();
        byte[] pkt = Arrays.copyOf(plain, 28 + 4 + 10);
        SrtpTransform.putInt(pkt, 28, 7); // E = 0, index 7
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(AUTH, "HmacSHA1"));
        mac.update(pkt, 0, 32);
        System.arraycopy(mac.doFinal(), 0, pkt, 32, 10);
        AesCmHmacTransform t = new AesCmHmacTransform(KEY, new byte[14], AUTH);
        SrtpSession rx = SrtpSession.withTransform(SrtpProfile.AES_CM_128_HMAC_SHA1_80, false, t);
        byte[] copy = pkt.clone();
        assertEquals(28, rx.unprotectRtcp(pkt, 0, pkt.length));
        assertArrayEquals(plain, Arrays.copyOf(pkt, 28));
        assertEquals(-1, rx.unprotectRtcp(copy, 0, copy.length), "replay of index 7");
    }

    @Test
    void gcmAuthOnly() throws Exception {
        byte[] salt = Hex.decode("517569642070726f2071756f");
        byte[] plain = rtcp();
        byte[] word = new byte[4];
        SrtpTransform.putInt(word, 0, 9); // E = 0, index 9
        byte[] iv = salt.clone();
        for (int i = 0; i < 4; i++) iv[2 + i] ^= plain[4 + i];
        iv[11] ^= 9;
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, iv));
        gcm.updateAAD(plain);
        gcm.updateAAD(word);
        byte[] tag = gcm.doFinal();
        byte[] pkt = new byte[28 + 16 + 4];
        System.arraycopy(plain, 0, pkt, 0, 28);
        System.arraycopy(tag, 0, pkt, 28, 16);
        System.arraycopy(word, 0, pkt, 44, 4);
        SrtpSession rx = SrtpSession.withTransform(SrtpProfile.AEAD_AES_128_GCM, false,
                new AesGcmTransform(KEY, salt, true));
        byte[] bad = pkt.clone();
        bad[10] ^= 1;
        assertEquals(-1, rx.unprotectRtcp(bad, 0, bad.length), "plaintext is authenticated");
        assertEquals(28, rx.unprotectRtcp(pkt, 0, pkt.length));
        assertArrayEquals(plain, Arrays.copyOf(pkt, 28));
    }
}
