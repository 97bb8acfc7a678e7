package io.gatehouse.wallet.internal;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A self-signed X.509 certificate for a P-256 key pair. A PKCS#12 keystore stores a private key only
 * together with a certificate chain; the wallet's certificate carries nothing but the public key and
 * a name, and nobody is meant to trust it. Written by hand because the JDK has no public API that
 * makes certificates. Not API.
 */
public final class SelfSignedCertificate {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    /** RFC 5280 §4.1.2.5: the value for "no well-defined expiration date". */
    private static final ZonedDateTime NO_EXPIRY = ZonedDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC);

    private SelfSignedCertificate() {
    }

    /**
     * Makes and signs a version 3 certificate without extensions.
     *
     * @param keyPair an EC P-256 key pair; not null
     * @param commonName the subject and issuer common name; not null
     * @param notBefore the start of validity; not null
     * @param random the source of the serial number; not null
     * @return the parsed certificate, never null
     * @throws GeneralSecurityException if the key cannot sign or the JDK rejects the encoding
     */
    public static X509Certificate create(KeyPair keyPair, String commonName, Instant notBefore, SecureRandom random)
            throws GeneralSecurityException {
        byte[] algorithm = Der.sequence(Der.objectIdentifier(ECDSA_WITH_SHA256));
        byte[] name = Der.sequence(Der.constructed(Der.SET,
                Der.sequence(Der.objectIdentifier(COMMON_NAME), Der.utf8String(commonName))));
        // A positive 127-bit serial: random, below the 20-octet limit of RFC 5280 §4.1.2.2.
        BigInteger serial = new BigInteger(127, random).setBit(0);
        byte[] tbs = Der.sequence(
                Der.tlv(Der.CONTEXT_0, Der.integer(BigInteger.TWO)), // version 3
                Der.integer(serial),
                algorithm,
                name,
                Der.sequence(Der.time(notBefore.atZone(ZoneOffset.UTC)), Der.time(NO_EXPIRY)),
                name,
                keyPair.getPublic().getEncoded());
        Signature signer = Signature.getInstance("SHA256withECDSA"); // DER-encoded signature, as X.509 wants
        signer.initSign(keyPair.getPrivate());
        signer.update(tbs);
        byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }
}
