package org.jsfu.core.dtls;

import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.jsfu.core.srtp.SrtpProfile;

/** What the DTLS client and server peers share: credentials, pinning, SRTP profiles, exporter. */
final class DtlsPeerSupport {
    /** ECDHE-ECDSA with AES-GCM first, CBC as fallback (what browsers offer for WebRTC). */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    final BcTlsCrypto crypto;
    final DtlsIdentity identity;
    final String remoteFingerprint;
    final List<SrtpProfile> profiles;
    final int handshakeTimeoutMs;
    final int handshakeResendMs;
    volatile boolean fingerprintMismatch;
    volatile SrtpProfile selectedProfile;
    volatile byte[] keyingMaterial;

    DtlsPeerSupport(BcTlsCrypto crypto, DtlsIdentity identity, String remoteFingerprint, List<SrtpProfile> profiles,
                    int handshakeTimeoutMs, int handshakeResendMs) {
        this.crypto = crypto;
        this.identity = identity;
        this.remoteFingerprint = remoteFingerprint;
        this.profiles = List.copyOf(profiles);
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.handshakeResendMs = handshakeResendMs;
    }

    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey(),
                identity.tlsCertificate(crypto), SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256,
                SignatureAlgorithm.ecdsa));
    }

    /** RFC 8122 5 / RFC 8827 6.5: the peer's end-entity certificate must match the SDP fingerprint. */
    void verifyPeer(Certificate peer) throws IOException {
        if (peer == null || peer.isEmpty()) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        if (!DtlsIdentity.fingerprintMatches(remoteFingerprint, peer.getCertificateAt(0).getEncoded())) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate fingerprint mismatch");
        }
    }

    int[] profileIds() {
        int[] ids = new int[profiles.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = profiles.get(i).id();
        return ids;
    }

    /** RFC 5764 4.1.1: the server picks one of the client's profiles; ours are in preference order. */
    SrtpProfile choose(int[] offered) {
        for (SrtpProfile p : profiles) {
            for (int id : offered) {
                if (id == p.id()) return p;
            }
        }
        return null;
    }

    /** RFC 5764 4.2: exporter "EXTRACTOR-dtls_srtp", no context, 2 * (key + salt) bytes. */
    void exportKeys(TlsContext context) {
        SrtpProfile p = selectedProfile;
        if (p == null) return;
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                2 * (p.keyLength() + p.saltLength()));
    }
}
