package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialKind;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.ReplayGuard;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.MintedWallet;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.wallet.MintingKeys;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles for minted door codes: a passkey credential travels with its kind and no key, the published minting keys
 * travel beside it, and a door deciding from the bundle alone (as an offline reader does) grants a minted code once,
 * and denies it once the device is revoked and the door has synced.
 */
@DatabaseTest
class MintedBundleTest {
    @TempDir
    Path data;
    TestServer server;
    EnrolledReader reader;
    MintedWallet wallet;
    long lastVersion;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        reader = new EnrolledReader(server);
        wallet = new MintedWallet(server);
        wallet.makePasskey(reader.alice.deviceId(), reader.aliceId);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_bundle_carries_the_passkey_credential_without_a_key_and_the_minting_keys() {
        BundleDirectory bundle = sync();
        var credential = bundle.find(reader.alice.credentialId()).orElseThrow();
        assertThat(credential.kind()).isEqualTo(CredentialKind.PASSKEY);
        assertThat(credential.deviceKey()).isEmpty();
        int active = server.gatehouse().services().reader().mintingKeys().signingKey().keyId();
        assertThat(bundle.bundle().mintingKeys()).extracting(MintingKey::keyId).containsExactly(active);
    }

    @Test
    void an_offline_door_grants_a_minted_code_once_and_denies_it_after_the_sync_that_follows_a_revocation() {
        Door door = new Door(sync());
        CredentialId alice = reader.alice.credentialId();
        String code = wallet.mint(alice, true).text();

        assertThat(door.decide(code).granted()).isTrue();
        Decision replay = door.decide(code);
        assertThat(replay.granted()).isFalse();
        assertThat(replay.reason().code()).isEqualTo("replayed");

        String unexpired = wallet.mint(alice, true).text();
        assertThat(server.post("/api/v1/devices/" + reader.alice.deviceId() + "/revoke", "").status())
                .isEqualTo(200);
        door.bundle = sync();
        Decision revoked = door.decide(unexpired);
        assertThat(revoked.granted()).isFalse();
        assertThat(revoked.reason().code()).isEqualTo("revoked");
    }

    @Test
    void a_door_that_synced_between_the_rotation_steps_accepts_both_keys_and_denies_the_old_one_after_its_next_sync() {
        MintingKeys keys = server.gatehouse().services().reader().mintingKeys();
        String old = wallet.mint(reader.alice.credentialId(), true).text();
        String oldAgain = wallet.mint(reader.alice.credentialId(), true).text();
        keys.rotate(ClientInfo.local("test"));
        Door door = new Door(sync());
        assertThat(door.bundle.bundle().mintingKeys()).hasSize(2);
        keys.rotate(ClientInfo.local("test"));
        assertThat(door.decide(wallet.mint(reader.alice.credentialId(), true).text()).granted()).isTrue();
        assertThat(door.decide(old).granted()).isTrue();

        door.bundle = sync();
        assertThat(door.bundle.bundle().mintingKeys()).hasSize(1);
        Decision retired = door.decide(oldAgain);
        assertThat(retired.granted()).isFalse();
        assertThat(retired.reason().code()).isEqualTo("unknown_minting_key");
    }

    /** A door deciding from its bundle and its own replay memory only. */
    private final class Door {
        BundleDirectory bundle;
        private final Set<String> spent = new HashSet<>();

        Door(BundleDirectory bundle) {
            this.bundle = bundle;
        }

        Decision decide(String text) {
            ReplayGuard replay = (id, nonce, expiresAt) -> spent.add(id + "/" + nonce);
            return new AccessVerifier().decide(text, new AccessContext(bundle.doorSettings(),
                    server.clock().instant().getEpochSecond(), bundle, replay, bundle, bundle));
        }
    }

    private BundleDirectory sync() {
        HttpResult answer = server.get("/api/v1/reader/bundle", reader.credential);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        BundleCheck check = BundleVerifier.verify(answer.bytes(),
                server.gatehouse().services().reader().bundleKeys().published(), reader.readerId, lastVersion);
        assertThat(check).as(check.toString()).isInstanceOf(BundleCheck.Accepted.class);
        BundleDirectory bundle = new BundleDirectory(((BundleCheck.Accepted) check).bundle());
        lastVersion = bundle.bundle().bundleVersion();
        return bundle;
    }
}
