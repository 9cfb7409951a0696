package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Test vectors: RFC 3711 appendix B.2/B.3, RFC 7714 sections 16/17, and the libsrtp driver packet. */
class SrtpKnownAnswerTest {

    @Test
    void rfc3711B3KeyDerivation() {
        SrtpKdf kdf = new SrtpKdf(Hex.decode("E1F97A0D3E018BE0D64FA32C06DE4139"),
                Hex.decode("0EC675AD498AFEEBB6960B3AABE6"));
        assertEquals("c61e7a93744f39ee10734afe3ff7a087", hex(kdf.derive(SrtpKdf.LABEL_RTP_ENCRYPTION, 16)));
        assertEquals("30cbbc08863d8c85d49db34a9ae1", hex(kdf.derive(SrtpKdf.LABEL_RTP_SALT, 14)));
        assertEquals("cebe321f6ff7716b6fd4ab49af256a156d38baa4", hex(kdf.derive(SrtpKdf.LABEL_RTP_AUTH, 20)));
    }

    @Test
    void rfc3711B2AesCmKeystream() throws Exception {
        // Session key and salt given directly; SSRC 0, index 0: a zero payload encrypts to the keystream.
        AesCmHmacTransform t = new AesCmHmacTransform(Hex.decode("2B7E151628AED2A6ABF7158809CF4F3C"),
                Hex.decode("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20]);
        SrtpSession s = SrtpSession.withTransform(SrtpProfile.AES_CM_128_HMAC_SHA1_80, true, t);
        byte[] pkt = new byte[12 + 48 + 10];
        pkt[0] = (byte) 0x80;
        assertEquals(70, s.protectRtp(pkt, 0, 60));
        assertEquals("e03ead0935c95e80e166b16dd92b4eb4"
                + "d23513162b02d0f72a43a2fe4a5f97ab"
                + "41e95b3bb0a2e8dd477901e4fca894c0", Hex.encode(pkt, 12, 48));
    }

    /** libsrtp test/srtp_driver.c AES_CM_128_HMAC_SHA1_80 packet: covers KDF, AES-CM and the HMAC tag. */
    @Test
    void libsrtpDriverPacket() {
        byte[] key = Hex.decode("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] salt = Hex.decode("0ec675ad498afeebb6960b3aabe6");
        String plain = "800f1234decafbadcafebabeabababababababababababababababab";
        String prot = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb";
        byte[] buf = Arrays.copyOf(Hex.decode(plain), 64);
        int n = SrtpSession.sender(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key, salt).protectRtp(buf, 0, plain.length() / 2);
        assertEquals(prot, Hex.encode(buf, 0, n));
        n = SrtpSession.receiver(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key, salt).unprotectRtp(buf, 0, n);
        assertEquals(plain, Hex.encode(buf, 0, n));
    }

    private static final String GCM_KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String GCM_SALT = "517569642070726f2071756f";

    private static AesGcmTransform rfc7714(boolean jdk) {
        return new AesGcmTransform(Hex.decode(GCM_KEY), Hex.decode(GCM_SALT), true, jdk);
    }

    /** With the JDK's counter mode and GHASH (this build's tests open the package), and with the fallbacks. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rfc7714Section16SrtpAes128Gcm(boolean jdk) {
        String plain = "8040f17b8041f8d35501a0b2"
                + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
        String prot = "8040f17b8041f8d35501a0b2"
                + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
                + "899d7f27beb16a9152cf765ee4390cce";
        byte[] buf = Arrays.copyOf(Hex.decode(plain), 128);
        SrtpSession tx = SrtpSession.withTransform(SrtpProfile.AEAD_AES_128_GCM, true, rfc7714(jdk));
        int n = tx.protectRtp(buf, 0, plain.length() / 2);
        assertEquals(prot, Hex.encode(buf, 0, n));
        SrtpSession rx = SrtpSession.withTransform(SrtpProfile.AEAD_AES_128_GCM, false, rfc7714(jdk));
        n = rx.unprotectRtp(buf, 0, n);
        assertEquals(plain, Hex.encode(buf, 0, n));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rfc7714Section17SrtcpAes128Gcm(boolean jdk) {
        String plain = "81c8000d4d6172734e5450314e5450325254502000"
                + "00042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
        String prot = "81c8000d4d617273"
                + "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275b"
                + "c84aa45896cf4d2fc5abf87245d9eade" + "800005d4";
        byte[] buf = Arrays.copyOf(Hex.decode(plain), 128);
        int n = rfc7714(jdk).protectRtcp(buf, 0, plain.length() / 2, 0x4d617273, 0x5d4);
        assertEquals(prot, Hex.encode(buf, 0, n));
        SrtpSession rx = SrtpSession.withTransform(SrtpProfile.AEAD_AES_128_GCM, false, rfc7714(jdk));
        int m = rx.unprotectRtcp(buf, 0, n);
        assertEquals(plain, Hex.encode(buf, 0, m));
        // the same index again is a replay
        byte[] again = Arrays.copyOf(Hex.decode(prot), 128);
        assertEquals(-1, rx.unprotectRtcp(again, 0, n));
    }

    private static String hex(byte[] b) { return Hex.encode(b, 0, b.length); }
}
