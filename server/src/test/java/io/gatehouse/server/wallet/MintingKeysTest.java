package io.gatehouse.server.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.MintingKeyDirectory;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.server.Core;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minting keys at rest and through their two-step rotation, and the codes {@link Minter} makes with them. */
@DatabaseTest
class MintingKeysTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CredentialId PASSKEY = CredentialId.random(RANDOM);

    @TempDir
    Path directory;

    private TestServer server;
    private Core core;
    private MintingKeys keys;
    private Minter minter;

    @BeforeEach
    void start() {
        server = TestServer.start(directory);
        core = server.gatehouse().services().core();
        keys = new MintingKeys(core.database(), core.secrets(), core.audit(), core.clock(), core.random());
        keys.ensureActive();
        minter = new Minter(keys, RANDOM);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Instant now() {
        return core.clock().instant();
    }

    /** What a door decides, with the given published keys, for a code of the passkey credential. */
    private Decision decide(String text, List<MintingKey> published, Set<String> spent) {
        CredentialView passkey = CredentialView.passkey(PASSKEY, "usr_dave", "dev_dave", true, true,
                DeviceTrust.SYNCED, Set.of("staff"));
        DoorSettings door = new DoorSettings("door_1", "zone_1", ZoneId.of("UTC"), 30, 5, true, DeviceTrust.SOFTWARE);
        AccessContext context = new AccessContext(door, now().getEpochSecond(),
                id -> id.equals(PASSKEY) ? Optional.of(passkey) : Optional.empty(),
                (id, nonce, expiresAt) -> spent.add(id + "/" + nonce),
                zone -> List.of(AccessRule.forRole("zone_1", "staff", List.of())), MintingKeyDirectory.of(published));
        return new AccessVerifier().decide(text, context);
    }

    @Test
    void the_first_key_is_made_once_with_its_private_half_sealed_under_the_master_key() {
        keys.ensureActive();

        assertThat(keys.published()).extracting(MintingKey::keyId).containsExactly(1);
        byte[] sealed = core.database().read(tx -> tx.queryOne("SELECT private_key_ciphertext FROM minting_keys"
                + " WHERE id = 'mk1'", rs -> rs.getBytes(1))).orElseThrow();
        byte[] pkcs8 = keys.signingKey().privateKey().getEncoded();
        byte[] scalar = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        assertThat(java.util.HexFormat.of().formatHex(sealed)).doesNotContain(java.util.HexFormat.of().formatHex(scalar));
        assertThat(core.secrets().open(sealed, MintingKeys.context("mk1"))).isEqualTo(pkcs8);
    }

    @Test
    void a_minted_code_is_the_base45_text_a_reader_relays_and_a_door_grants_it_once() {
        MintingKeys.SigningKey active = keys.signingKey();

        Minter.MintedCode code = minter.mint(PASSKEY, true, now(), Duration.ofSeconds(30));

        assertThat(code.text()).hasSize(AccessProof.MINTED_TEXT_LENGTH);
        assertThat(code.mintingKeyId()).isEqualTo(active.keyId());
        assertThat(code.expiresAt()).isEqualTo(code.issuedAt().plusSeconds(30));
        AccessProof proof = ((ParseResult.Parsed) AccessProofCodec.parse(code.text())).proof();
        assertThat(proof.credentialId()).isEqualTo(PASSKEY);
        assertThat(proof.userVerified()).isTrue();
        assertThat(proof.issuedAtEpochSecond()).isEqualTo(now().getEpochSecond());
        Set<String> spent = new HashSet<>();
        assertThat(decide(code.text(), keys.published(), spent).code()).isEqualTo("granted");
        assertThat(decide(code.text(), keys.published(), spent).code()).isEqualTo("replayed");
    }

    @Test
    void the_uv_flag_is_the_one_given_and_a_door_that_requires_uv_denies_a_code_without_it() {
        Minter.MintedCode code = minter.mint(PASSKEY, false, now(), Duration.ofSeconds(30));

        assertThat(((ParseResult.Parsed) AccessProofCodec.parse(code.text())).proof().userVerified()).isFalse();
        assertThat(decide(code.text(), keys.published(), new HashSet<>()).code())
                .isEqualTo("user_verification_required");
    }

    @Test
    void the_ttl_is_bounded() {
        assertThatIllegalArgumentException().isThrownBy(() -> minter.mint(PASSKEY, true, now(), Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> minter.mint(PASSKEY, true, now(),
                Duration.ofSeconds(601)));
    }

    @Test
    void the_key_rotates_in_two_steps_and_the_retired_key_is_erased() {
        Minter.MintedCode byFirst = minter.mint(PASSKEY, true, now(), Duration.ofSeconds(30));

        String created = keys.rotate(ClientInfo.local("test"));
        assertThat(created).startsWith("created the next minting key 2");
        assertThat(keys.published()).extracting(MintingKey::keyId).containsExactly(1, 2);
        assertThat(keys.signingKey().keyId()).as("the active key still mints").isEqualTo(1);
        List<MintingKey> duringRotation = keys.published();

        String switched = keys.rotate(ClientInfo.local("test"));
        assertThat(switched).startsWith("minting key 2 now mints");
        assertThat(keys.published()).extracting(MintingKey::keyId).containsExactly(2);
        Minter.MintedCode bySecond = minter.mint(PASSKEY, true, now(), Duration.ofSeconds(30));
        assertThat(bySecond.mintingKeyId()).isEqualTo(2);
        // A door that synced between the steps knows both keys; one that syncs after the switch only the new one.
        assertThat(decide(byFirst.text(), duringRotation, new HashSet<>()).code()).isEqualTo("granted");
        assertThat(decide(bySecond.text(), duringRotation, new HashSet<>()).code()).isEqualTo("granted");
        assertThat(decide(byFirst.text(), keys.published(), new HashSet<>()).code()).isEqualTo("unknown_minting_key");
        long erased = core.database().read(tx -> tx.queryLong("SELECT COUNT(*) FROM minting_keys WHERE status ="
                + " 'retired' AND private_key_ciphertext IS NULL"));
        assertThat(erased).isEqualTo(1L);
        assertThat(server.get("/api/v1/audit?action=keys.minting.rotate").json().at("/records").size()).isEqualTo(2);
    }

    @Test
    void key_ids_run_from_1_to_255_and_start_again_so_that_two_live_keys_never_share_one() {
        assertThat(MintingKeys.keyIdOf(1)).isEqualTo(1);
        assertThat(MintingKeys.keyIdOf(255)).isEqualTo(255);
        assertThat(MintingKeys.keyIdOf(256)).isEqualTo(1);
        for (long generation = 1; generation < 600; generation++) {
            assertThat(MintingKeys.keyIdOf(generation + 1)).isNotEqualTo(MintingKeys.keyIdOf(generation));
        }
    }

    @Test
    void a_sealed_private_half_opens_only_for_its_own_row() {
        byte[] sealed = core.database().read(tx -> tx.queryOne("SELECT private_key_ciphertext FROM minting_keys"
                + " WHERE id = 'mk1'", rs -> rs.getBytes(1))).orElseThrow();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> core.secrets().open(sealed,
                MintingKeys.context("mk2"))).hasMessageContaining("failed authentication");
    }
}
