package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** P-256 keys as SubjectPublicKeyInfo, and {@link ProofSigner}. */
class KeysAndSigningTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void spki_round_trips_as_91_bytes() {
        KeyPair pair = PublicKeys.generateP256(random);
        byte[] spki = PublicKeys.toSpki(pair.getPublic());

        assertThat(spki).hasSize(91);
        assertThat(PublicKeys.fromSpki(spki)).isEqualTo(pair.getPublic());
    }

    @Test
    void fromSpki_rejects_garbage_with_the_expected_form() {
        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.fromSpki(new byte[] {1, 2, 3}))
                .withMessageStartingWith("public key: expected an X.509 SubjectPublicKeyInfo of an EC P-256 key (3 bytes given)");
    }

    @Test
    void fromSpki_rejects_an_rsa_key() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        byte[] spki = rsa.generateKeyPair().getPublic().getEncoded();

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.fromSpki(spki))
                .withMessageContaining("expected an X.509 SubjectPublicKeyInfo of an EC P-256 key");
    }

    @Test
    void fromSpki_rejects_another_curve() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] spki = ec.generateKeyPair().getPublic().getEncoded();

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.fromSpki(spki))
                .withMessageStartingWith("public key: expected curve P-256 (secp256r1), got a 384-bit curve");
    }

    @Test
    void fromSpki_rejects_a_point_off_the_curve() {
        byte[] spki = PublicKeys.toSpki(PublicKeys.generateP256(random).getPublic());
        spki[spki.length - 1] ^= 1; // change y: y² no longer matches x³ + ax + b

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.fromSpki(spki))
                .withMessageContaining("not on curve P-256");
    }

    @Test
    void fromSpki_rejects_trailing_bytes() {
        byte[] spki = Arrays.copyOf(PublicKeys.toSpki(PublicKeys.generateP256(random).getPublic()), 92);

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.fromSpki(spki))
                .withMessageContaining("public key");
    }

    @Test
    void toSpki_rejects_an_rsa_key() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair pair = rsa.generateKeyPair();

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKeys.toSpki(pair.getPublic()))
                .withMessageStartingWith("public key: expected an EC P-256 key, got algorithm RSA");
        assertThatIllegalArgumentException().isThrownBy(() -> new ProofSigner(pair.getPrivate()))
                .withMessage("signing key: expected an EC P-256 key, got algorithm RSA");
    }

    @Test
    void the_signer_rejects_a_key_on_another_curve() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = ec.generateKeyPair();

        assertThatIllegalArgumentException().isThrownBy(() -> new ProofSigner(pair.getPrivate()))
                .withMessageStartingWith("signing key: expected curve P-256");
    }

    @Test
    void a_signed_proof_carries_its_fields_and_a_signature_over_label_and_body() throws Exception {
        KeyPair pair = PublicKeys.generateP256(random);
        CredentialId id = CredentialId.random(random);

        AccessProof proof = new ProofSigner(pair.getPrivate()).mint(255, id, 1_800_000_000L, -1L, false);

        assertThat(proof.type()).isEqualTo(ProofType.SERVER_MINTED);
        assertThat(proof.mintingKeyId()).isEqualTo(255);
        assertThat(proof.credentialId()).isEqualTo(id);
        assertThat(proof.issuedAtEpochSecond()).isEqualTo(1_800_000_000L);
        assertThat(proof.nonce()).isEqualTo(-1L);
        assertThat(proof.userVerified()).isFalse();
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(pair.getPublic());
        verifier.update(proof.signaturePayload());
        assertThat(verifier.verify(proof.signature())).isTrue();
        assertThat(AccessProofCodec.parse(proof.toText())).isEqualTo(new ParseResult.Parsed(proof));
    }

    @Test
    void a_minted_proof_is_made_by_mint_which_names_the_key() {
        ProofSigner signer = new ProofSigner(PublicKeys.generateP256(random).getPrivate());
        CredentialId id = CredentialId.random(random);

        assertThatIllegalArgumentException().isThrownBy(() -> signer.sign(ProofType.SERVER_MINTED, id, 1, 0, true))
                .withMessage("a minted proof names its minting key: use mint(keyId, ...)");
        assertThatIllegalArgumentException().isThrownBy(() -> signer.mint(0, id, 1, 0, true))
                .withMessage("minting key id must be in 1..255, got 0");
        assertThatIllegalArgumentException().isThrownBy(() -> signer.mint(256, id, 1, 0, true))
                .withMessage("minting key id must be in 1..255, got 256");
    }

    @Test
    void the_signer_checks_the_issued_at_range() {
        ProofSigner signer = new ProofSigner(PublicKeys.generateP256(random).getPrivate());

        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.sign(ProofType.DEVICE_SIGNED, CredentialId.random(random), 1L << 32, 0, true))
                .withMessage("issued-at must be in 0..4294967295, got 4294967296");
    }
}
