package io.gatehouse.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DenyReason;
import io.gatehouse.protocol.access.ProofType;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProofGeneratorTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final Wallet wallet = TestWallets.newWallet(Duration.ofSeconds(10));
    private final SteppingClock clock = SteppingClock.fixed(START);
    private final ProofGenerator generator = new ProofGenerator(wallet, UserVerifier.NONE, clock, new SecureRandom());

    @Test
    void a_generated_proof_is_granted_by_the_verifier_with_the_wallet_key() {
        AccessProof proof = generator.next();

        Decision decision = new AccessVerifier().decide(proof.toText(),
                TestWallets.contextFor(wallet, START.getEpochSecond() + 3, false));

        assertThat(decision.granted()).as(decision.detail()).isTrue();
        assertThat(proof.type()).isEqualTo(ProofType.DEVICE_SIGNED);
        assertThat(proof.credentialId()).isEqualTo(wallet.credentialId());
        assertThat(proof.issuedAtEpochSecond()).isEqualTo(START.getEpochSecond());
    }

    @Test
    void the_cli_verifier_never_claims_user_verification() {
        AccessProof proof = generator.next();

        assertThat(proof.userVerified()).isFalse();
        assertThat(new AccessVerifier().decide(proof.toText(), TestWallets.contextFor(wallet, START.getEpochSecond(), true))
                .reason()).isEqualTo(DenyReason.USER_VERIFICATION_REQUIRED);
    }

    @Test
    void a_phone_verifier_sets_the_uv_flag_and_is_asked_with_a_reason() {
        List<String> prompts = new ArrayList<>();
        ProofGenerator phone = new ProofGenerator(wallet, reason -> prompts.add(reason), clock, new SecureRandom());

        AccessProof proof = phone.next();

        assertThat(proof.userVerified()).isTrue();
        assertThat(prompts).containsExactly(ProofGenerator.VERIFICATION_REASON);
        assertThat(new AccessVerifier().decide(proof.toText(), TestWallets.contextFor(wallet, START.getEpochSecond(), true))
                .granted()).isTrue();
    }

    @Test
    void the_current_proof_stays_for_one_rotation_period_then_a_fresh_nonce_replaces_it() {
        AccessProof first = generator.current();
        clock.advance(Duration.ofSeconds(9));
        assertThat(generator.current()).isSameAs(first);
        assertThat(generator.nextRotationEpochSecond()).isEqualTo(START.getEpochSecond() + 10);

        clock.advance(Duration.ofSeconds(1));
        AccessProof second = generator.current();

        assertThat(second.nonce()).isNotEqualTo(first.nonce());
        assertThat(second.issuedAtEpochSecond()).isEqualTo(START.getEpochSecond() + 10);
    }

    @Test
    void a_clock_that_goes_back_gets_a_new_proof_rather_than_one_from_the_future() {
        AccessProof first = generator.current();
        clock.advance(Duration.ofSeconds(-5));

        assertThat(generator.current().issuedAtEpochSecond()).isEqualTo(first.issuedAtEpochSecond() - 5);
    }

    @Test
    void every_next_proof_has_a_new_nonce() {
        Set<Long> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            nonces.add(generator.next().nonce());
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void a_clock_before_1970_is_refused() {
        ProofGenerator early = new ProofGenerator(wallet, UserVerifier.NONE,
                SteppingClock.fixed(Instant.parse("1969-12-31T23:59:59Z")), new SecureRandom());

        assertThatThrownBy(early::next)
                .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("clock_out_of_range"));
    }
}
