package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step 5: with lifetime L and skew S, {@code issuedAt > now + S} is {@code not_yet_valid} and
 * {@code now - issuedAt > L + S} is {@code expired}.
 */
class Step5FreshnessTest {

    private final VerifierFixture fixture = new VerifierFixture();

    /** {@code age} is now - issuedAt; negative when the device clock is ahead. */
    @ParameterizedTest(name = "L={0} S={1} age={2} -> {3}")
    @CsvSource({
        // lifetime, skew, age, expected
        "30, 5,  -6, not_yet_valid",
        "30, 5,  -5, granted",
        "30, 5,   0, granted",
        "30, 5,  30, granted",
        "30, 5,  35, granted",
        "30, 5,  36, expired",
        "30, 0,  -1, not_yet_valid",
        "30, 0,   0, granted",
        "30, 0,  30, granted",
        "30, 0,  31, expired",
        " 1, 0,   1, granted",
        " 1, 0,   2, expired",
        "60, 120, -120, granted",
        "60, 120, -121, not_yet_valid",
        "60, 120, 180, granted",
        "60, 120, 181, expired",
    })
    void freshness_boundaries(int lifetime, int skew, long age, String expected) {
        fixture.lifetime = lifetime;
        fixture.skew = skew;
        fixture.now = VerifierFixture.ISSUED_AT + age;

        assertThat(fixture.decide(fixture.proof(1)).code()).isEqualTo(expected);
    }

    @Test
    void a_proof_from_the_future_names_its_lead_and_the_skew() {
        Decision decision = fixture.decide(fixture.proof(VerifierFixture.NOW + 6, 1, true));

        assertThat(decision.reason()).isEqualTo(DenyReason.NOT_YET_VALID);
        assertThat(decision.detail()).isEqualTo("proof issued at " + (VerifierFixture.NOW + 6)
                + " is 6 s ahead of now (" + VerifierFixture.NOW + "); expected at most the allowed skew of 5 s");
    }

    @Test
    void an_old_proof_names_its_age_and_the_limit() {
        fixture.now = VerifierFixture.ISSUED_AT + 100;

        Decision decision = fixture.decide(fixture.proof(1));

        assertThat(decision.reason()).isEqualTo(DenyReason.EXPIRED);
        assertThat(decision.detail()).isEqualTo("proof issued at " + VerifierFixture.ISSUED_AT + " is 100 s old at "
                + fixture.now + "; expected at most lifetime 30 s + skew 5 s = 35 s");
    }

    @Test
    void a_stale_proof_does_not_spend_its_nonce() {
        fixture.now = VerifierFixture.ISSUED_AT + 100;
        fixture.decide(fixture.proof(1));

        assertThat(fixture.replay.expiries).isEmpty();
    }

    @Test
    void issued_at_is_unsigned_up_to_2106() {
        long issuedAt = AccessProof.MAX_ISSUED_AT; // 2106-02-07T06:28:15Z
        fixture.now = issuedAt;

        assertThat(fixture.decide(fixture.proof(issuedAt, 1, true)).granted()).isTrue();
    }

    @Test
    void issued_at_zero_is_just_very_old() {
        assertThat(fixture.decide(fixture.proof(0, 1, true)).reason()).isEqualTo(DenyReason.EXPIRED);
    }

    @Test
    void the_freshness_check_trusts_issued_at_only_after_the_signature() {
        // A forged "fresh" time on an old proof fails on the signature, not on freshness.
        fixture.now = VerifierFixture.ISSUED_AT + 1000;
        byte[] bytes = fixture.proof(1).toBytes();
        java.nio.ByteBuffer.wrap(bytes).putInt(18, (int) fixture.now);

        assertThat(fixture.decide(io.gatehouse.protocol.codec.Base45.encode(bytes)).reason())
                .isEqualTo(DenyReason.BAD_SIGNATURE);
    }
}
