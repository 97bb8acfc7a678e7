package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.gatehouse.protocol.codec.Base45;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Step 4: the proof's type must be the one of the credential's kind, else {@code wrong_proof_type}; a minted
 * proof's key id must be published, else {@code unknown_minting_key}; then the signature must verify with the
 * device key or that minting key, else {@code bad_signature}.
 */
class Step4SignatureTest {

    private final VerifierFixture fixture = new VerifierFixture();

    @Test
    void a_proof_signed_by_another_key_is_denied() {
        KeyPair other = PublicKeys.generateP256(new SecureRandom());
        AccessProof proof = new ProofSigner(other.getPrivate())
                .sign(ProofType.DEVICE_SIGNED, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 1, true);

        Decision decision = fixture.decide(proof);

        assertThat(decision.reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
        assertThat(decision.detail())
                .isEqualTo("the signature does not verify with the public key of credential " + VerifierFixture.ID);
        assertThat(fixture.replay.expiries).as("a forged proof does not spend the nonce").isEmpty();
    }

    @Test
    void a_signature_over_the_body_without_the_domain_label_is_denied() throws Exception {
        AccessProof genuine = fixture.proof(1);
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(TestVectors.KEY_PAIR.getPrivate());
        signer.update(genuine.signedBytes());
        byte[] bytes = genuine.toBytes();
        System.arraycopy(signer.sign(), 0, bytes, AccessProof.BODY_LENGTH, AccessProof.SIGNATURE_LENGTH);

        assertThat(fixture.decide(Base45.encode(bytes)).reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
    }

    @Test
    void an_all_zero_signature_is_denied() {
        byte[] bytes = fixture.proof(1).toBytes();
        Arrays.fill(bytes, AccessProof.BODY_LENGTH, AccessProof.LENGTH, (byte) 0);

        assertThat(fixture.decide(Base45.encode(bytes)).reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
    }

    @Test
    void an_all_ones_signature_with_r_and_s_above_the_group_order_is_denied() {
        byte[] bytes = fixture.proof(1).toBytes();
        Arrays.fill(bytes, AccessProof.BODY_LENGTH, AccessProof.LENGTH, (byte) 0xFF);

        assertThat(fixture.decide(Base45.encode(bytes)).reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
    }

    @Test
    void a_directory_key_of_another_algorithm_denies_instead_of_failing() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        fixture.publicKey = rsa.generateKeyPair().getPublic();

        Decision decision = fixture.decide(fixture.proof(1));

        assertThat(decision.reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
        assertThat(decision.detail()).startsWith("the signature could not be checked");
    }

    @Test
    void the_uv_flag_is_covered_by_the_signature() {
        byte[] bytes = fixture.proof(1).toBytes();
        bytes[30] = 0; // UV cleared: a weaker claim, still not the signed one
        fixture.requireUv = false;

        assertThat(fixture.decide(Base45.encode(bytes)).reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
    }

    @Test
    void a_minted_proof_for_a_device_key_credential_is_denied_before_any_key_is_used() {
        Decision decision = fixture.decide(fixture.minted(5));

        assertThat(decision.reason()).isEqualTo(DenyReason.WRONG_PROOF_TYPE);
        assertThat(decision.detail()).isEqualTo("credential " + VerifierFixture.ID + " is a device_key credential and"
                + " accepts device-signed proofs (type 1), the proof is minted (type 2)");
        assertThat(fixture.replay.expiries).as("a refused type does not spend the nonce").isEmpty();
    }

    @Test
    void a_device_signed_proof_for_a_passkey_credential_is_denied() {
        fixture.passkey();

        Decision decision = fixture.decide(fixture.proof(5));

        assertThat(decision.reason()).isEqualTo(DenyReason.WRONG_PROOF_TYPE);
        assertThat(decision.detail()).isEqualTo("credential " + VerifierFixture.ID + " is a passkey credential and"
                + " accepts minted proofs (type 2), the proof is device-signed (type 1)");
        assertThat(fixture.replay.expiries).isEmpty();
    }

    @Test
    void a_device_signed_proof_signed_with_the_minting_key_is_still_the_wrong_type_for_a_passkey() {
        fixture.passkey();
        AccessProof byMinter = fixture.minter.sign(ProofType.DEVICE_SIGNED, VerifierFixture.ID,
                VerifierFixture.ISSUED_AT, 6, true);

        assertThat(fixture.decide(byMinter).reason()).isEqualTo(DenyReason.WRONG_PROOF_TYPE);
    }

    @Test
    void a_minted_proof_for_a_passkey_credential_verifies_with_the_minting_key_it_names() {
        fixture.passkey();

        assertThat(fixture.decide(fixture.minted(5)).granted()).isTrue();
    }

    @Test
    void a_minted_proof_naming_an_unpublished_key_is_unknown_minting_key_and_not_spent() {
        fixture.passkey();
        AccessProof named8 = fixture.minter.mint(8, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 5, true);

        Decision decision = fixture.decide(named8);

        assertThat(decision.reason()).isEqualTo(DenyReason.UNKNOWN_MINTING_KEY);
        assertThat(decision.detail()).isEqualTo("the proof names minting key 8, which is not published (or was retired)");
        assertThat(fixture.replay.expiries).isEmpty();
    }

    @Test
    void a_verifier_without_minting_keys_denies_every_minted_proof() {
        fixture.passkey().mintingKeys.clear();

        assertThat(fixture.decide(fixture.minted(5)).reason()).isEqualTo(DenyReason.UNKNOWN_MINTING_KEY);
    }

    @Test
    void a_minted_proof_signed_by_another_key_under_a_published_id_is_bad_signature() {
        fixture.passkey();
        AccessProof forged = new ProofSigner(PublicKeys.generateP256(new SecureRandom()).getPrivate())
                .mint(VerifierFixture.MINTING_KEY_ID, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 5, true);

        Decision decision = fixture.decide(forged);

        assertThat(decision.reason()).isEqualTo(DenyReason.BAD_SIGNATURE);
        assertThat(decision.detail()).isEqualTo("the signature does not verify with minting key 7");
    }

    @Test
    void during_a_rotation_proofs_of_both_published_keys_verify() {
        KeyPair next = PublicKeys.generateP256(new SecureRandom());
        fixture.passkey().mintingKeys.add(new MintingKey(8, next.getPublic()));

        assertThat(fixture.decide(fixture.minted(5)).granted()).isTrue();
        assertThat(fixture.decide(new ProofSigner(next.getPrivate()).mint(8, VerifierFixture.ID,
                VerifierFixture.ISSUED_AT, 6, true)).granted()).isTrue();
    }

    @Test
    void a_credential_kind_and_its_device_key_go_together() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CredentialView(VerifierFixture.ID, "u-1", "d-1",
                CredentialKind.PASSKEY, Optional.of(fixture.publicKey), true, true, DeviceTrust.SOFTWARE, Set.of()))
                .withMessageContaining("a passkey credential has no device key");
        assertThatIllegalArgumentException().isThrownBy(() -> new CredentialView(VerifierFixture.ID, "u-1", "d-1",
                CredentialKind.DEVICE_KEY, Optional.empty(), true, true, DeviceTrust.SOFTWARE, Set.of()))
                .withMessageContaining("a device_key credential needs its device key");
    }
}
