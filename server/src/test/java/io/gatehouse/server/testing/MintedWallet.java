package io.gatehouse.server.testing;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.wallet.Minter;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The web wallet's side of a door code for tests: a passkey device, and codes minted for it by the server's
 * {@link Minter} exactly as the door-code endpoint mints them after a verified assertion.
 *
 * <p>The passkey device is made from a device enrolled through its link, without a browser: this sets its kind to
 * {@code passkey}, adds the passkey row the passkey feature would store, and replaces the device's stored key with
 * bytes that are no SubjectPublicKeyInfo. The browser tests ({@code WalletBrowserTest}) make passkey devices through
 * the real registration; this is for the door and bundle tests that need many codes quickly.
 */
public final class MintedWallet {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TestServer server;
    private final Minter minter;

    public MintedWallet(TestServer server) {
        this.server = server;
        this.minter = new Minter(server.gatehouse().services().reader().mintingKeys(), RANDOM);
    }

    /** Turns the enrolled device {@code deviceId} of {@code userId} into a passkey device. */
    public void makePasskey(String deviceId, String userId) {
        byte[] cose = new byte[77];
        RANDOM.nextBytes(cose);
        byte[] webauthnId = new byte[32];
        RANDOM.nextBytes(webauthnId);
        server.gatehouse().services().core().database().inTransaction(tx -> {
            tx.update("UPDATE devices SET public_key = ?, kind = 'passkey' WHERE id = ?", cose, deviceId);
            return tx.update("INSERT INTO passkeys (credential_id, device_id, user_id, user_handle, public_key_cose,"
                    + " signature_count, aaguid, attestation_format, attestation_statement, transports,"
                    + " backup_eligible, backed_up, trust, trust_reason, created_at) VALUES (?, ?, ?, ?, ?, 0, ?,"
                    + " 'none', ?, 'internal', ?, ?, 'software', 'test', ?)",
                    Base64Url.encode(webauthnId), deviceId, userId, new byte[16], cose,
                    "00000000-0000-0000-0000-000000000000", new byte[0], false, false,
                    server.clock().millis());
        });
    }

    /** A door code for {@code credential}, as minted now with the assertion's UV flag. */
    public Minter.MintedCode mint(CredentialId credential, boolean userVerified) {
        return minter.mint(credential, userVerified, server.clock().instant(), Duration.ofSeconds(30));
    }
}
