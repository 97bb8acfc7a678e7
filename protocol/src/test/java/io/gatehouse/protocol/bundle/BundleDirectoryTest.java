package io.gatehouse.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialKind;
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
        assertThat(directory.size()).isEqualTo(4);
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
    private final ProofSigner minter = new ProofSigner(BundleFixture.MINTING_KEY.getPrivate());
    private final Set<Long> spent = new HashSet<>();

    private Decision decide(CredentialId id, long nonce) {
        return decide(ProofType.DEVICE_SIGNED, id, nonce);
    }

    private Decision decide(ProofType type, CredentialId id, long nonce) {
        AccessProof proof = type == ProofType.SERVER_MINTED
                ? minter.mint(BundleFixture.MINTING_KEY_ID, id, MONDAY_MORNING - 3, nonce, true)
                : device.sign(type, id, MONDAY_MORNING - 3, nonce, true);
        return decide(proof, directory);
    }

    private Decision decide(AccessProof proof, BundleDirectory from) {
        AccessContext context = new AccessContext(from.doorSettings(), MONDAY_MORNING, from, (credential, n,
                expiresAt) -> spent.add(n), from, from);
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
    void offline_a_device_key_credential_refuses_a_minted_proof_without_spending_it() {
        assertThat(directory.find(BundleFixture.ALICE).orElseThrow().kind()).isEqualTo(CredentialKind.DEVICE_KEY);
        assertThat(decide(ProofType.SERVER_MINTED, BundleFixture.ALICE, 5).reason())
                .isEqualTo(DenyReason.WRONG_PROOF_TYPE);
        assertThat(spent).isEmpty();
    }

    @Test
    void offline_a_passkey_credential_is_granted_a_minted_proof_once_and_refuses_a_device_signed_one() {
        assertThat(directory.find(BundleFixture.DAVE).orElseThrow().kind()).isEqualTo(CredentialKind.PASSKEY);

        assertThat(decide(ProofType.SERVER_MINTED, BundleFixture.DAVE, 6).granted()).isTrue();
        assertThat(decide(ProofType.SERVER_MINTED, BundleFixture.DAVE, 6).reason()).isEqualTo(DenyReason.REPLAYED);
        assertThat(decide(ProofType.DEVICE_SIGNED, BundleFixture.DAVE, 7).reason())
                .isEqualTo(DenyReason.WRONG_PROOF_TYPE);
    }

    @Test
    void offline_a_minted_proof_needs_its_key_in_the_bundle() {
        AccessProof otherKey = minter.mint(BundleFixture.MINTING_KEY_ID + 1, BundleFixture.DAVE, MONDAY_MORNING - 3, 8,
                true);
        assertThat(decide(otherKey, directory).reason()).isEqualTo(DenyReason.UNKNOWN_MINTING_KEY);

        fixture.mintingKeys.clear();
        BundleDirectory withoutKeys = new BundleDirectory(fixture.bundle());
        AccessProof minted = minter.mint(BundleFixture.MINTING_KEY_ID, BundleFixture.DAVE, MONDAY_MORNING - 3, 9, true);
        assertThat(decide(minted, withoutKeys).reason()).isEqualTo(DenyReason.UNKNOWN_MINTING_KEY);
        assertThat(spent).isEmpty();
    }

    @Test
    void a_revoked_passkey_credential_stays_a_passkey_credential_and_is_denied() {
        fixture.revoked.add(BundleFixture.DAVE);
        BundleDirectory revoked = new BundleDirectory(fixture.bundle());

        CredentialView dave = revoked.find(BundleFixture.DAVE).orElseThrow();
        assertThat(dave.kind()).isEqualTo(CredentialKind.PASSKEY);
        assertThat(dave.credentialActive()).isFalse();
        AccessProof minted = minter.mint(BundleFixture.MINTING_KEY_ID, BundleFixture.DAVE, MONDAY_MORNING - 3, 10, true);
        assertThat(decide(minted, revoked).reason()).isEqualTo(DenyReason.REVOKED);
    }
}
