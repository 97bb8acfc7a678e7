package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Step 3: the credential (and its device) must be active, else {@code revoked}; the user too, else {@code suspended}. */
class Step3ActiveTest {

    private final VerifierFixture fixture = new VerifierFixture();

    @Test
    void a_revoked_credential_is_denied() {
        fixture.credentialActive = false;

        Decision decision = fixture.decide(fixture.proof(1));

        assertThat(decision.reason()).isEqualTo(DenyReason.REVOKED);
        assertThat(decision.detail()).isEqualTo("credential " + VerifierFixture.ID + " on device d-2001 is revoked");
        assertThat(decision.credential()).contains(fixture.credential());
    }

    @Test
    void a_suspended_user_is_denied() {
        fixture.userActive = false;

        Decision decision = fixture.decide(fixture.proof(1));

        assertThat(decision.reason()).isEqualTo(DenyReason.SUSPENDED);
        assertThat(decision.detail()).isEqualTo("user u-1001 is suspended");
    }

    @Test
    void revocation_is_reported_before_suspension() {
        fixture.credentialActive = false;
        fixture.userActive = false;

        assertThat(fixture.decide(fixture.proof(1)).reason()).isEqualTo(DenyReason.REVOKED);
    }

    @Test
    void a_revoked_credential_is_denied_before_its_signature_is_checked() {
        fixture.credentialActive = false;
        byte[] bytes = fixture.proof(1).toBytes();
        bytes[94] ^= 1;

        assertThat(fixture.decide(io.gatehouse.protocol.codec.Base45.encode(bytes)).reason())
                .isEqualTo(DenyReason.REVOKED);
        assertThat(fixture.replay.expiries).isEmpty();
    }
}
