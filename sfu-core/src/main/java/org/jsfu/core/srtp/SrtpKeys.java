package org.jsfu.core.srtp;

import java.util.Arrays;

/**
 * Master keys and salts for both directions of one DTLS-SRTP association.
 * "local" protects what we send, "remote" unprotects what we receive.
 */
public final class SrtpKeys {
    private final SrtpProfile profile;
    private final byte[] localKey;
    private final byte[] localSalt;
    private final byte[] remoteKey;
    private final byte[] remoteSalt;

    private SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {
        this.profile = profile;
        this.localKey = localKey;
        this.localSalt = localSalt;
        this.remoteKey = remoteKey;
        this.remoteSalt = remoteSalt;
    }

    /**
     * Splits the DTLS exporter output (label "EXTRACTOR-dtls_srtp") per RFC 5764 section 4.2:
     * client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt |
     * server_write_SRTP_master_salt.
     *
     * @param localIsClient true when we are the DTLS client (our send keys are the client's)
     */
    public static SrtpKeys fromKeyingMaterial(SrtpProfile p, byte[] km, boolean localIsClient) {
        int k = p.keyLength();
        int s = p.saltLength();
        if (km == null || km.length < p.keyingMaterialLength()) {
            throw new IllegalArgumentException("keying material too short for " + p + ": need "
                    + p.keyingMaterialLength() + " bytes");
        }
        byte[] clientKey = Arrays.copyOfRange(km, 0, k);
        byte[] serverKey = Arrays.copyOfRange(km, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(km, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(km, 2 * k + s, 2 * k + 2 * s);
        return localIsClient
                ? new SrtpKeys(p, clientKey, clientSalt, serverKey, serverSalt)
                : new SrtpKeys(p, serverKey, serverSalt, clientKey, clientSalt);
    }

    public SrtpProfile profile() { return profile; }

    public byte[] localKey() { return localKey.clone(); }

    public byte[] localSalt() { return localSalt.clone(); }

    public byte[] remoteKey() { return remoteKey.clone(); }

    public byte[] remoteSalt() { return remoteSalt.clone(); }

    /** A session that protects what we send. */
    public SrtpSession newSender() { return SrtpSession.sender(profile, localKey, localSalt); }

    /** A session that unprotects what we receive. */
    public SrtpSession newReceiver() { return SrtpSession.receiver(profile, remoteKey, remoteSalt); }

    @Override
    public String toString() {
        return "SrtpKeys{profile=" + profile + "}"; // never print key material
    }
}
