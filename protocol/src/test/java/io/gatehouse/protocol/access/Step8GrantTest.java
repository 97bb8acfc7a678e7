package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Step 8: a proof that passes steps 1 to 7 is granted. */
class Step8GrantTest {

    private final VerifierFixture fixture = new VerifierFixture();

    @Test
    void a_valid_proof_is_granted_with_its_proof_and_credential() {
        AccessProof proof = fixture.proof(42);

        Decision decision = fixture.decide(proof);

        assertThat(decision.granted()).isTrue();
        assertThat(decision.reason()).isNull();
        assertThat(decision.code()).isEqualTo("granted");
        assertThat(decision.detail()).isEqualTo("granted at door door-lobby by the rule for role staff in zone hq-main");
        assertThat(decision.proof()).contains(proof);
        assertThat(decision.credential()).contains(fixture.credential());
        assertThat(fixture.directoryLookups).isEqualTo(1);
        assertThat(fixture.ruleLookups).isEqualTo(1);
    }

    @Test
    void a_trailing_line_terminator_from_a_keyboard_wedge_scanner_is_accepted() {
        assertThat(fixture.decide(fixture.proof(1).toText() + "\n").granted()).isTrue();
        assertThat(fixture.decide(fixture.proof(2).toText() + "\r\n").granted()).isTrue();
        assertThat(fixture.decide(fixture.proof(3).toText() + "\r").granted()).isTrue();
    }

    @Test
    void every_deny_reason_has_a_distinct_lower_snake_code_and_its_step() {
        assertThat(DenyReason.values()).extracting(DenyReason::code).doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z]+(_[a-z]+)*"));
        assertThat(DenyReason.values()).extracting(DenyReason::step).isSorted();
    }
}
