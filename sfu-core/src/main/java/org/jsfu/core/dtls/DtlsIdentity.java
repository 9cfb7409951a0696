package org.jsfu.core.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Locale;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server's DTLS certificate: ECDSA P-256, self-signed, announced in SDP as
 * {@code a=fingerprint:sha-256 AB:CD:...} (RFC 8122 5). Generate one per server process and share it
 * between all sessions (key generation costs milliseconds; browsers only pin the fingerprint).
 */
public final class DtlsIdentity {
    private static final long VALIDITY_MS = 365L * 24 * 3600 * 1000;

    private final AsymmetricKeyParameter privateKey;
    private final byte[] certificateDer;
    private final String fingerprint;

    private DtlsIdentity(AsymmetricKeyParameter privateKey, byte[] certificateDer) {
        this.privateKey = privateKey;
        this.certificateDer = certificateDer;
        this.fingerprint = fingerprintSha256(certificateDer);
    }

    public static DtlsIdentity generate() {
        SecureRandom random = new SecureRandom();
        X9ECParameters x9 = ECNamedCurveTable.getByName("P-256");
        ECNamedDomainParameters domain = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, x9);
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic());
            X500Name name = new X500Name("CN=jsfu");
            long now = System.currentTimeMillis();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, random).add(BigInteger.ONE), new Date(now - 24 * 3600 * 1000L),
                    new Date(now + VALIDITY_MS), name, spki);
            AlgorithmIdentifier sigAlg = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digAlg = new DefaultDigestAlgorithmIdentifierFinder().find(sigAlg);
            ContentSigner signer = new BcECContentSignerBuilder(sigAlg, digAlg).build(kp.getPrivate());
            return new DtlsIdentity(kp.getPrivate(), builder.build(signer).getEncoded());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create DTLS certificate", e);
        }
    }

    /** SHA-256 of the DER certificate as uppercase hex pairs joined by ':' (RFC 8122 5). */
    public String fingerprintSha256() {
        return fingerprint;
    }

    /** DER encoding of the certificate (a copy). */
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    Certificate tlsCertificate(BcTlsCrypto crypto) throws IOException {
        return new Certificate(new TlsCertificate[] {crypto.createCertificate(certificateDer)});
    }

    static String fingerprintSha256(byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(der);
            StringBuilder sb = new StringBuilder(d.length * 3);
            for (int i = 0; i < d.length; i++) {
                if (i > 0) sb.append(':');
                sb.append(String.format(Locale.ROOT, "%02X", d[i] & 0xFF));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares fingerprints ignoring case and surrounding whitespace. */
    static boolean fingerprintMatches(String expected, byte[] der) {
        return expected != null && expected.trim().equalsIgnoreCase(fingerprintSha256(der));
    }
}
