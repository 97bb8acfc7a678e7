package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Step 2: the proof's credential must be enrolled, else {@code unknown_credential}. */
class Step2KnownCredentialTest {

    private final VerifierFixture fixture = new VerifierFixture();

    @Test
    void a_proof_of_an_unknown_credential_is_denied() {
        CredentialId stranger = CredentialId.random(new SecureRandom());
        AccessProof proof = fixture.signer.sign(ProofType.DEVICE_SIGNED, stranger, VerifierFixture.ISSUED_AT, 1, true);

        Decision decision = fixture.decide(proof);

        assertThat(decision.reason()).isEqualTo(DenyReason.UNKNOWN_CREDENTIAL);
        assertThat(decision.detail()).isEqualTo("no credential with id " + stranger + " is enrolled");
        assertThat(decision.proof()).contains(proof);
        assertThat(decision.credential()).isEmpty();
        assertThat(fixture.replay.expiries).as("the nonce is not spent").isEmpty();
    }

    @Test
    void a_directory_that_answers_for_another_id_is_a_bug_not_a_grant() {
        AccessProof proof = fixture.proof(1);
        CredentialView other = new CredentialView(CredentialId.random(new SecureRandom()), "u-1", "d-1",
                fixture.publicKey, true, true, DeviceTrust.HARDWARE, fixture.roles);
        AccessContext context = new AccessContext(fixture.door(), fixture.now, id -> Optional.of(other),
                fixture.replay, zone -> fixture.rules);

        assertThatIllegalStateException()
                .isThrownBy(() -> fixture.verifier.decide(proof.toText(), context))
                .withMessageContaining("returned credential " + other.id());
    }
}
