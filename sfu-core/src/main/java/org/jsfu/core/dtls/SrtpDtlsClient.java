package org.jsfu.core.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.jsfu.core.srtp.SrtpProfile;

/** DTLS 1.2 client side of DTLS-SRTP (RFC 5764): offers use_srtp, pins the server certificate. */
final class SrtpDtlsClient extends DefaultTlsClient {
    private final DtlsPeerSupport support;

    SrtpDtlsClient(DtlsPeerSupport support) {
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
        return true;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(support.profileIds(), TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData data = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        // RFC 5764 4.1.1: the server answers with exactly one of the offered profiles and no MKI.
        if (data == null || data.getProtectionProfiles().length != 1 || data.getMki().length != 0) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "bad use_srtp answer");
        }
        SrtpProfile p = SrtpProfile.fromId(data.getProtectionProfiles()[0]);
        if (p == null || !support.profiles.contains(p)) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server chose an SRTP profile not offered");
        }
        support.selectedProfile = p;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                support.verifyPeer(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                return support.signer(context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        support.exportKeys(context);
    }
}
