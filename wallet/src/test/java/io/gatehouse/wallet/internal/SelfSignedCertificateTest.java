package io.gatehouse.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.PublicKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void the_certificate_parses_and_verifies_with_its_own_key() throws Exception {
        KeyPair keyPair = PublicKeys.generateP256(random);

        X509Certificate certificate = SelfSignedCertificate.create(keyPair, "test", Instant.parse("2030-05-06T07:08:09Z"), random);

        certificate.verify(keyPair.getPublic());
        assertThat(certificate.getVersion()).isEqualTo(3);
        assertThat(certificate.getPublicKey()).isEqualTo(keyPair.getPublic());
        assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2030-05-06T07:08:09Z"));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(certificate.getSerialNumber().signum()).isPositive();
    }

    @Test
    void der_lengths_and_identifiers_follow_x690() {
        assertThat(HexFormat.of().formatHex(Der.objectIdentifier("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
        assertThat(HexFormat.of().formatHex(Der.objectIdentifier("2.5.4.3"))).isEqualTo("0603550403");
        assertThat(Der.tlv(Der.SEQUENCE, new byte[200])).startsWith(0x30, 0x81, 200);
        assertThat(Der.tlv(Der.SEQUENCE, new byte[300])).startsWith(0x30, 0x82, 0x01, 0x2C);
        assertThat(Der.tlv(Der.SEQUENCE, new byte[127])).startsWith(0x30, 127);
    }

    @Test
    void times_before_2050_are_utc_time_and_later_ones_generalized_time() {
        assertThat(new String(Der.time(ZonedDateTime.of(2049, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC)), 2, 13,
                java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("491231235959Z");
        assertThat(Der.time(ZonedDateTime.of(2049, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))[0]).isEqualTo((byte) Der.UTC_TIME);
        assertThat(Der.time(ZonedDateTime.of(2050, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))[0]).isEqualTo((byte) Der.GENERALIZED_TIME);
    }
}
