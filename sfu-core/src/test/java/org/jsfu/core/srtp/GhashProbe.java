package org.jsfu.core.srtp;

/** Prints which AES-CTR and GHASH this JVM uses and checks one GCM round trip with them ({@link GhashTest}). */
public final class GhashProbe {
    public static void main(String[] args) {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        SrtpSession tx = SrtpSession.sender(SrtpProfile.AEAD_AES_128_GCM, key, salt);
        SrtpSession rx = SrtpSession.receiver(SrtpProfile.AEAD_AES_128_GCM, key, salt);
        byte[] pkt = new byte[200];
        pkt[0] = (byte) 0x80;
        pkt[1] = 111;
        pkt[3] = 1;
        pkt[11] = 9;
        int len = tx.protectRtp(pkt, 0, 112);
        if (rx.unprotectRtp(pkt, 0, len) != 112) throw new AssertionError("GCM round trip");
        System.out.println(SrtpSession.gcmCounterImplementation());
        System.out.println(SrtpSession.gcmHashImplementation());
    }
}
