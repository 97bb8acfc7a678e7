package io.gatehouse.server.mail;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and an SMTP server certificate it signed for the name {@code localhost} only: the server's key store
 * (for GreenMail) and the CA's PEM file (for {@code smtp.trust-ca-file}).
 */
final class TestCertificates {
    static final String STORE_PASSWORD = "changeit";

    record Issued(Path serverKeyStore, Path caPem) {
    }

    private TestCertificates() {
    }

    static Issued issue(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=Gatehouse test SMTP CA");
        JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), caName,
                caKeys.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(ca, caKeys);
        JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=localhost"), serverKeys.getPublic());
        server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(
                GeneralName.dNSName, "localhost")));
        X509Certificate serverCert = sign(server, caKeys);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("greenmail", serverKeys.getPrivate(), STORE_PASSWORD.toCharArray(),
                new Certificate[] {serverCert, caCert});
        Path keyStore = dir.resolve("smtp-server.p12");
        try (OutputStream out = Files.newOutputStream(keyStore)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        Path pem = dir.resolve("smtp-ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64,
                "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return new Issued(keyStore, pem);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(
                "SHA256withECDSA").build(issuer.getPrivate())));
    }
}
