package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DenyReason;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link BundleDirectory} answers, and the offline decisions it leads to. */
class BundleDirectoryTest {

    private final BundleFixture fixture = new BundleFixture();
    private final BundleDirectory directory = new BundleDirectory(fixture.bundle());

    @Test
    void an_active_credential_is_found_as_listed() {
        CredentialView alice = directory.find(BundleFixture.ALICE).orElseThrow();

        assertThat(alice).isEqualTo(fixture.credentials.get(0));
        assertThat(alice.credentialActive()).isTrue();
    }

    @Test
    void a_revoked_credential_is_found_inactive() {
        CredentialView bob = directory.find(BundleFixture.BOB).orElseThrow();

        assertThat(bob.credentialActive()).isFalse();
        assertThat(bob.userId()).isEqualTo("u-bob");
    }

    @Test
    void a_revoked_id_the_bundle_does_not_list_and_an_unknown_id_are_not_found() {
        assertThat(directory.find(BundleFixture.GONE)).isEmpty();
        assertThat(directory.find(BundleFixture.id("00000000000000000000000000000000"))).isEmpty();
        assertThat(directory.size()).isEqualTo(3);
    }

    @Test
    void rules_are_returned_by_zone() {
        assertThat(directory.rulesForZone("hq-main")).extracting(AccessRule::zoneId).containsExactly("hq-main", "hq-main");
        assertThat(directory.rulesForZone("vault")).hasSize(1);
        assertThat(directory.rulesForZone("nowhere")).isEmpty();
    }

    @Test
    void the_door_settings_are_the_bundle_s() {
        assertThat(directory.doorSettings()).isEqualTo(BundleFixture.door());
        assertThat(directory.bundle()).isEqualTo(fixture.bundle());
    }

    // ---- With the verifier: the same steps as online ---------------------------------------------

    /** 2026-01-05T10:00:00Z, a Monday, 11:00 in Berlin. */
    private static final long MONDAY_MORNING = 1_767_607_200L;
    private final ProofSigner device = new ProofSigner(BundleFixture.DEVICE_KEY.getPrivate());
    private final Set<Long> spent = new HashSet<>();

    private Decision decide(CredentialId id, long nonce) {
        return decide(ProofType.DEVICE_SIGNED, id, nonce);
    }

    private Decision decide(ProofType type, CredentialId id, long nonce) {
        AccessProof proof = device.sign(type, id, MONDAY_MORNING - 3, nonce, true);
        AccessContext context = new AccessContext(directory.doorSettings(), MONDAY_MORNING, directory,
                (credential, n, expiresAt) -> spent.add(n), directory);
        return new AccessVerifier().decide(proof.toText(), context);
    }

    @Test
    void offline_an_active_credential_is_granted_and_a_replay_denied() {
        assertThat(decide(BundleFixture.ALICE, 1).granted()).isTrue();
        assertThat(decide(BundleFixture.ALICE, 1).reason()).isEqualTo(DenyReason.REPLAYED);
    }

    @Test
    void offline_revoked_suspended_and_unlisted_credentials_are_denied() {
        assertThat(decide(BundleFixture.BOB, 2).reason()).isEqualTo(DenyReason.REVOKED);
        assertThat(decide(BundleFixture.CAROL, 3).reason()).isEqualTo(DenyReason.SUSPENDED);
        assertThat(decide(BundleFixture.GONE, 4).reason()).isEqualTo(DenyReason.UNKNOWN_CREDENTIAL);
    }

    @Test
    void offline_a_bundle_credential_is_a_device_credential_and_refuses_a_type_2_proof() {
        assertThat(directory.find(BundleFixture.ALICE).orElseThrow().acceptedTypes())
                .containsExactly(ProofType.DEVICE_SIGNED);
        assertThat(decide(ProofType.SERVER_MINTED, BundleFixture.ALICE, 5).reason())
                .isEqualTo(DenyReason.WRONG_PROOF_TYPE);
        assertThat(spent).isEmpty();
    }
}
