package org.jsfu.core.srtp;

/**
 * DTLS-SRTP protection profiles we negotiate (RFC 5764 section 4.1.2, RFC 7714 section 14.2).
 * Lengths are in bytes.
 */
public enum SrtpProfile {
    /** SRTP_AES128_CM_HMAC_SHA1_80 {0x00,0x01}: AES-CM 128, 112-bit salt, HMAC-SHA1 80-bit tag (RTP and RTCP). */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 20, 10),
    /** SRTP_AEAD_AES_128_GCM {0x00,0x07}: AES-128-GCM, 96-bit salt, 128-bit tag (RFC 7714 section 14.2). */
    AEAD_AES_128_GCM(0x0007, 16, 12, 0, 16);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int authKeyLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.tagLength = tagLength;
    }

    /** The two-byte profile identifier carried in the DTLS use_srtp extension. */
    public int id() { return id; }

    /** Master (and session) encryption key length. */
    public int keyLength() { return keyLength; }

    /** Master (and session) salt length. */
    public int saltLength() { return saltLength; }

    /** Session authentication key length (0 for AEAD profiles). */
    public int authKeyLength() { return authKeyLength; }

    /** Authentication tag length, the same for SRTP and SRTCP with these profiles. */
    public int tagLength() { return tagLength; }

    /** True for the AEAD (GCM) profile, where the tag comes from the cipher. */
    public boolean isAead() { return authKeyLength == 0; }

    /** Bytes of DTLS exporter output needed: 2 * (key + salt), RFC 5764 section 4.2. */
    public int keyingMaterialLength() { return 2 * (keyLength + saltLength); }

    /** Profile by its DTLS identifier, or null if we do not support it. */
    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) return p;
        }
        return null;
    }
}
