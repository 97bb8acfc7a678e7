package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;
import io.gatehouse.protocol.access.DeviceTrust;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust levels from attestation statements made here, under a test CA and a test metadata BLOB. */
class PasskeyTrustTest {
    private static final String ORIGIN = "https://gatehouse.test";
    private static final UUID AAGUID = UUID.fromString("6a1b2c3d-0000-4000-8000-00000000a7e5");
    private static final List<String> HARDWARE = List.of("hardware", "secure_element");
    private static final List<List<String>> BIOMETRIC_ALWAYS = List.of(List.of("fingerprint_internal"),
            List.of("passcode_internal"));

    @TempDir
    Path dir;

    private final TestCertificates.Issued attestationRoot = TestCertificates.root("CN=Test Attestation Root,"
            + " O=Gatehouse Test, C=SE", TestCertificates.ecKeys());
    private final TestCertificates.Issued attestationLeaf = TestCertificates.leaf("CN=Test Authenticator,"
            + " OU=Authenticator Attestation, O=Gatehouse Test, C=SE", TestCertificates.ecKeys(), attestationRoot);
    private final TestCertificates.Issued metadataRoot = TestCertificates.root("CN=Test Metadata Root,"
            + " O=Gatehouse Test, C=SE", TestCertificates.rsaKeys());
    private final TestCertificates.Issued metadataSigner = TestCertificates.leaf("CN=Test Metadata Signer,"
            + " O=Gatehouse Test, C=SE", TestCertificates.rsaKeys(), metadataRoot);

    @Test
    void no_attestation_from_a_device_bound_authenticator_is_software() {
        TrustDecision trust = register(TrustRoots.none(), TestAuthenticator.UV, new TestAuthenticator.None());
        assertThat(trust.level()).isEqualTo(DeviceTrust.SOFTWARE);
        assertThat(trust.reason()).startsWith("no attestation");
    }

    @Test
    void self_attestation_is_software() {
        TrustDecision trust = register(TrustRoots.none(), TestAuthenticator.UV, new TestAuthenticator.Self());
        assertThat(trust.level()).isEqualTo(DeviceTrust.SOFTWARE);
        assertThat(trust.reason()).startsWith("self attestation");
    }

    @Test
    void a_backup_eligible_passkey_is_synced_even_with_a_trusted_attestation() {
        TrustDecision trust = register(extraRoot(), TestAuthenticator.UV | TestAuthenticator.BE
                | TestAuthenticator.BS, packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.SYNCED);
        assertThat(trust.reason()).startsWith("backup-eligible");
        assertThat(register(TrustRoots.none(), TestAuthenticator.UV | TestAuthenticator.BE,
                new TestAuthenticator.None()).level()).isEqualTo(DeviceTrust.SYNCED);
    }

    @Test
    void a_packed_attestation_under_an_operator_root_is_hardware() {
        TrustDecision trust = register(extraRoot(), TestAuthenticator.UV, packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.HARDWARE);
        assertThat(trust.reason()).contains("operator-trusted root");
    }

    @Test
    void a_packed_attestation_under_an_unknown_root_is_software() {
        TrustDecision trust = register(TrustRoots.none(), TestAuthenticator.UV, packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.SOFTWARE);
        assertThat(trust.reason()).contains("not verified to a trusted root");
    }

    @Test
    void metadata_of_hardware_keys_that_verify_the_user_at_every_use_is_hardware_biometric() {
        TrustDecision trust = register(metadata(HARDWARE, BIOMETRIC_ALWAYS), TestAuthenticator.UV, packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.HARDWARE_BIOMETRIC);
        assertThat(trust.reason()).contains("Test Authenticator").contains("at every use");
    }

    @Test
    void metadata_that_allows_use_without_user_verification_is_hardware() {
        TrustDecision trust = register(metadata(HARDWARE, List.of(List.of("fingerprint_internal"),
                List.of("presence_internal"))), TestAuthenticator.UV, packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.HARDWARE);
        assertThat(trust.reason()).contains("some ways of use do not verify the user");
    }

    @Test
    void metadata_of_software_keys_is_software() {
        TrustDecision trust = register(metadata(List.of("software"), BIOMETRIC_ALWAYS), TestAuthenticator.UV,
                packed());
        assertThat(trust.level()).isEqualTo(DeviceTrust.SOFTWARE);
        assertThat(trust.reason()).contains("keeps keys in software");
    }

    @Test
    void a_blob_signed_under_another_root_is_refused() throws Exception {
        TestCertificates.Issued stranger = TestCertificates.root("CN=Stranger, O=Elsewhere, C=SE",
                TestCertificates.rsaKeys());
        Path blob = write("blob.jwt", TestMetadata.blob(TestCertificates.leaf("CN=Stranger Signer, O=Elsewhere,"
                + " C=SE", TestCertificates.rsaKeys(), stranger), AAGUID, HARDWARE, BIOMETRIC_ALWAYS,
                attestationRoot, false));
        assertThatThrownBy(() -> TrustRoots.load(settings(blob, Optional.empty()), Clock.systemUTC()))
                .isInstanceOfSatisfying(GatehouseException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_metadata");
                    assertThat(e.detail()).contains("cannot be verified against its root");
                });
    }

    @Test
    void a_blob_that_names_its_certificates_by_url_is_refused_before_anything_is_fetched() throws Exception {
        Path blob = write("blob.jwt", TestMetadata.blob(metadataSigner, AAGUID, HARDWARE, BIOMETRIC_ALWAYS,
                attestationRoot, true));
        assertThatThrownBy(() -> TrustRoots.load(settings(blob, Optional.empty()), Clock.systemUTC()))
                .isInstanceOfSatisfying(GatehouseException.class, e -> assertThat(e.detail())
                        .contains("fetches nothing at run time"));
    }

    @Test
    void the_fido_root_shipped_with_gatehouse_is_globalsign_root_r3() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(TrustRoots.fidoRoot().getEncoded());
        assertThat(java.util.HexFormat.of().formatHex(digest))
                .isEqualTo("cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b");
    }

    private TestAuthenticator.Packed packed() {
        return new TestAuthenticator.Packed(attestationLeaf.privateKey(), List.of(attestationLeaf.der()));
    }

    private TrustRoots extraRoot() {
        try {
            Path pem = write("roots.pem", attestationRoot.pem());
            return TrustRoots.load(new PasskeySettings(List.of("ES256"), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(pem)), Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TrustRoots metadata(List<String> keyProtection, List<List<String>> userVerification) {
        try {
            Path blob = write("blob.jwt", TestMetadata.blob(metadataSigner, AAGUID, keyProtection, userVerification,
                    attestationRoot, false));
            return TrustRoots.load(settings(blob, Optional.of(write("metadata-root.pem", metadataRoot.pem()))),
                    Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private PasskeySettings settings(Path blob, Optional<Path> root) throws java.io.IOException {
        Path crls = Files.write(dir.resolve("metadata.crl"), TestCertificates.emptyCrl(metadataRoot));
        return new PasskeySettings(List.of("ES256"), Optional.of(blob),
                Optional.of(root.orElse(write("metadata-root.pem", metadataRoot.pem()))), Optional.of(crls),
                Optional.empty());
    }

    private Path write(String name, String content) throws java.io.IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Registers a credential made by a test authenticator and returns the trust its attestation earns. */
    private static TrustDecision register(TrustRoots roots, int flags, TestAuthenticator.Attestation attestation) {
        RelyingParty rp = new PasskeyRelyingParty(() -> URI.create(ORIGIN), "Gatehouse", PasskeySettings.defaults(),
                roots, Clock.systemUTC()).get(new NoCredentials());
        PublicKeyCredentialCreationOptions options = rp.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name("ada").displayName("ada").id(new ByteArray(new byte[] {1}))
                        .build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.REQUIRED)
                        .userVerification(UserVerificationRequirement.REQUIRED).build()).build());
        try {
            JsonNode publicKey = Json.MAPPER.readTree(options.toCredentialsCreateJson()).get("publicKey");
            TestAuthenticator authenticator = new TestAuthenticator(ORIGIN, "gatehouse.test", AAGUID);
            String answer = Json.write(authenticator.register(publicKey, TestAuthenticator.UP | flags, attestation));
            RegistrationResult result = rp.finishRegistration(FinishRegistrationOptions.builder().request(options)
                    .response(PublicKeyCredential.parseRegistrationResponseJson(answer)).build());
            return new AttestationTrust(roots).decide(result);
        } catch (Exception e) {
            throw new AssertionError("registration failed", e);
        }
    }

    private static final class NoCredentials implements CredentialRepository {
        @Override
        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
            return Set.of();
        }

        @Override
        public Optional<ByteArray> getUserHandleForUsername(String username) {
            return Optional.empty();
        }

        @Override
        public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
            return Optional.empty();
        }

        @Override
        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
            return Optional.empty();
        }

        @Override
        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
            return Set.of();
        }
    }
}
