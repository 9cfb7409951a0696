package org.jsfu.core.srtp;

/**
 * SRTP protection profiles negotiated through the DTLS use_srtp extension (RFC 5764 4.1.2,
 * RFC 7714 14.2). Lengths in bytes.
 */
public enum SrtpProfile {
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10),
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int tagLength) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    public int dtlsId() { return dtlsId; }
    public int keyLength() { return keyLength; }
    public int saltLength() { return saltLength; }
    public int tagLength() { return tagLength; }

    /** The profile with this use_srtp id, or null if unsupported. */
    public static SrtpProfile fromDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) return p;
        }
        return null;
    }
}
