package org.jsfu.core.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.jsfu.core.srtp.SrtpProfile;

/** DTLS 1.2 server side of DTLS-SRTP (RFC 5764): requires a client certificate pinned by fingerprint. */
final class SrtpDtlsServer extends DefaultTlsServer {
    private final DtlsPeerSupport support;

    SrtpDtlsServer(DtlsPeerSupport support) {
        super(support.crypto);
        this.support = support;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), DtlsPeerSupport.CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return support.handshakeTimeoutMs;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return support.handshakeResendMs;
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true; // RFC 7627; every current browser offers it
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return support.signer(context);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        SrtpProfile chosen = support.choose(offered.getProtectionProfiles());
        if (chosen == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP profile");
        }
        support.selectedProfile = chosen;
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        // RFC 5764 4.1.1: exactly one profile, empty MKI.
        TlsSRTPUtils.addUseSRTPExtension(ext,
                new UseSRTPData(new int[] {support.selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // RFC 5763 5: the server MUST request a client certificate.
        Vector sigAlgs = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                sigAlgs, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        support.verifyPeer(clientCertificate);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        support.exportKeys(context);
    }
}
