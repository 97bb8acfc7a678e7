package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Step 6: each (credential, nonce) pair is accepted once, else {@code replayed}. */
class Step6SingleUseTest {

    private final VerifierFixture fixture = new VerifierFixture();

    @Test
    void the_second_presentation_of_a_proof_is_replayed() {
        AccessProof proof = fixture.proof(0x1234);

        assertThat(fixture.decide(proof).granted()).isTrue();
        Decision second = fixture.decide(proof);

        assertThat(second.reason()).isEqualTo(DenyReason.REPLAYED);
        assertThat(second.detail()).isEqualTo("nonce 1234 of credential " + VerifierFixture.ID + " was presented before");
    }

    @Test
    void another_nonce_of_the_same_credential_is_a_new_proof() {
        assertThat(fixture.decide(fixture.proof(1)).granted()).isTrue();
        assertThat(fixture.decide(fixture.proof(2)).granted()).isTrue();
    }

    @Test
    void the_record_is_kept_until_the_proof_would_be_expired_anyway() {
        fixture.decide(fixture.proof(1));

        // issuedAt + lifetime 30 + skew 5 + 1: the first second in which step 5 rejects the proof.
        assertThat(fixture.replay.expiries).containsExactly(VerifierFixture.ISSUED_AT + 36);
    }

    @Test
    void a_malleated_signature_does_not_make_a_new_proof() {
        AccessProof proof = fixture.proof(7);
        byte[] bytes = proof.toBytes();
        // ECDSA signatures are malleable: (r, n - s) verifies too. The nonce, not the signature, is the key.
        BigInteger order = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 63, 95));
        byte[] otherS = order.subtract(s).toByteArray();
        java.util.Arrays.fill(bytes, 63, 95, (byte) 0);
        int length = Math.min(32, otherS.length);
        System.arraycopy(otherS, otherS.length - length, bytes, 95 - length, length);
        String malleated = Base45.encode(bytes);

        assertThat(fixture.decide(proof).granted()).isTrue();
        assertThat(fixture.decide(malleated).reason()).isEqualTo(DenyReason.REPLAYED);
    }

    @Test
    void a_proof_denied_by_policy_has_still_been_spent() {
        fixture.rules.clear();
        AccessProof proof = fixture.proof(1);
        assertThat(fixture.decide(proof).reason()).isEqualTo(DenyReason.NOT_PERMITTED);

        fixture.rules.add(AccessRule.forRole("hq-main", "staff", List.of()));
        assertThat(fixture.decide(proof).reason()).isEqualTo(DenyReason.REPLAYED);
    }

    @Test
    void concurrent_presentations_with_an_atomic_guard_grant_exactly_once() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ReplayGuard atomic = (id, nonce, expiresAt) -> seen.add(id + "/" + nonce);
        CredentialView credential = fixture.credential();
        AccessContext context = new AccessContext(fixture.door(), fixture.now,
                id -> Optional.of(credential), atomic, zone -> fixture.rules);
        String text = fixture.proof(99).toText();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Decision>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return fixture.verifier.decide(text, context);
                }));
            }
            start.countDown();
            int grants = 0;
            for (Future<Decision> result : results) {
                Decision decision = result.get();
                if (decision.granted()) {
                    grants++;
                } else {
                    assertThat(decision.reason()).isEqualTo(DenyReason.REPLAYED);
                }
            }
            assertThat(grants).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
