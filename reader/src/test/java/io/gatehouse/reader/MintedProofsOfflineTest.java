package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.PublicKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web wallet's minted codes at an offline door: verified with the minting keys of the bundle, spent in the
 * same replay cache as device-signed proofs, and following the minting key through its two-step rotation.
 */
class MintedProofsOfflineTest {

    @TempDir
    Path directory;

    private Harness harness;

    private Harness harness() throws IOException {
        harness = new Harness(directory);
        return harness;
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void offline_a_minted_code_is_granted_once_and_its_replay_denied_also_after_a_restart() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        h.server.stop();
        String code = dave.proof(h.clock);

        ReaderAgent.Scan first = agent.scan(code);

        assertThat(first.event().mode()).isEqualTo("offline");
        assertThat(first.event().decision()).isEqualTo("grant");
        assertThat(first.event().userId()).isEqualTo("u-dave");
        assertThat(agent.scan(code).event().reason()).isEqualTo("replayed");
        assertThat(h.reopen().scan(code).event().reason()).isEqualTo("replayed");
    }

    @Test
    void a_minted_code_granted_online_cannot_be_replayed_offline() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        String code = dave.proof(h.clock);
        assertThat(agent.scan(code).event().mode()).isEqualTo("online");

        h.server.stop();

        assertThat(agent.scan(code).event().reason()).isEqualTo("replayed");
    }

    @Test
    void offline_the_proof_type_is_checked_against_the_credential_kind() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        h.server.stop();

        assertThat(agent.scan(dave.deviceSignedProof(h.clock)).event().reason()).isEqualTo("wrong_proof_type");
    }

    @Test
    void offline_a_code_of_a_key_the_bundle_does_not_publish_is_unknown_minting_key() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        h.server.stop();
        h.server.minting = new FakeGatehouse.Minting(2, PublicKeys.generateP256(new SecureRandom()));

        assertThat(agent.scan(dave.proof(h.clock)).event().reason()).isEqualTo("unknown_minting_key");
    }

    @Test
    void a_revoked_passkey_is_denied_offline_after_the_next_sync() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        h.server.revokeCredential(dave.id);
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        h.server.stop();

        assertThat(agent.scan(dave.proof(h.clock)).event().reason()).isEqualTo("revoked");
    }

    @Test
    void the_minting_key_rotates_in_two_steps_without_a_denied_code() throws Exception {
        Harness h = harness();
        TestPhone dave = h.server.enrolPasskey("u-dave");
        ReaderAgent agent = h.ready();
        FakeGatehouse.Minting old = h.server.minting;
        FakeGatehouse.Minting next = new FakeGatehouse.Minting(2, PublicKeys.generateP256(new SecureRandom()));

        // Step 1: the next key is published while the old one still mints.
        h.server.publishedMintingKeys = List.of(old, next);
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(agent.currentBundle().orElseThrow().mintingKeys()).extracting(MintingKey::keyId).containsExactly(1, 2);
        String byOld = dave.proof(h.clock);
        // Step 2: the server switches to the next key; a reader that has not synced since knows it already.
        h.server.minting = next;
        String byNext = dave.proof(h.clock);
        h.server.stop();
        assertThat(agent.scan(byOld).event().decision()).isEqualTo("grant");
        assertThat(agent.scan(byNext).event().decision()).isEqualTo("grant");

        // Retired: bundles publish only the new key, and a code of the old key no longer opens.
        h.server.start();
        h.server.publishedMintingKeys = List.of(next);
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        h.server.stop();
        h.server.minting = old;
        assertThat(agent.scan(dave.proof(h.clock)).event().reason()).isEqualTo("unknown_minting_key");
    }
}
