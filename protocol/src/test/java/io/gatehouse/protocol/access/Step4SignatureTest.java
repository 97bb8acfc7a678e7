package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.gatehouse.protocol.codec.Base45;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Step 4: the credential must accept the proof's type, else {@code wrong_proof_type}; then the signature must
 * verify with the credential's public key, else {@code bad_signature}.
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
    void a_type_2_proof_signed_with_the_device_key_is_denied_by_a_device_credential() {
        AccessProof minted = fixture.signer
                .sign(ProofType.SERVER_MINTED, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 5, true);

        Decision decision = fixture.decide(minted);

        assertThat(decision.reason()).isEqualTo(DenyReason.WRONG_PROOF_TYPE);
        assertThat(decision.detail()).isEqualTo("credential " + VerifierFixture.ID
                + " accepts proofs of type [1], the proof is of type 2");
        assertThat(fixture.replay.expiries).as("a refused type does not spend the nonce").isEmpty();
    }

    @Test
    void a_device_credential_is_one_that_accepts_device_signed_proofs_only() {
        CredentialView device = new CredentialView(VerifierFixture.ID, "u-1", "d-1", fixture.publicKey, true, true,
                DeviceTrust.SOFTWARE, Set.of());

        assertThat(device.acceptedTypes()).containsExactly(ProofType.DEVICE_SIGNED);
    }

    @Test
    void a_credential_must_accept_at_least_one_type() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CredentialView(VerifierFixture.ID, "u-1", "d-1",
                fixture.publicKey, true, true, DeviceTrust.SOFTWARE, Set.of(), Set.of()));
    }

    @Test
    void a_server_minted_proof_verifies_only_where_the_type_is_allowed_explicitly() {
        KeyPair serverTokenKey = PublicKeys.generateP256(new SecureRandom());
        fixture.publicKey = serverTokenKey.getPublic();
        fixture.acceptedTypes = Set.of(ProofType.SERVER_MINTED);
        AccessProof token = new ProofSigner(serverTokenKey.getPrivate())
                .sign(ProofType.SERVER_MINTED, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 5, true);
        AccessProof deviceSigned = new ProofSigner(serverTokenKey.getPrivate())
                .sign(ProofType.DEVICE_SIGNED, VerifierFixture.ID, VerifierFixture.ISSUED_AT, 6, true);

        assertThat(fixture.decide(token).granted()).isTrue();
        assertThat(fixture.decide(deviceSigned).reason()).isEqualTo(DenyReason.WRONG_PROOF_TYPE);
    }
}
