package io.gatehouse.wallet;

import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.PublicKeys;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Wallets and verifier contexts for tests. */
public final class TestWallets {

    public static final SecureRandom RANDOM = new SecureRandom();

    private TestWallets() {
    }

    public static Wallet newWallet(Duration rotation) {
        return new Wallet(CredentialId.random(RANDOM), "dev-test", DeviceTrust.SOFTWARE,
                PublicKeys.generateP256(RANDOM), URI.create("https://gatehouse.example:8443"),
                new DeviceFacts("test-model", "test-os 1.0", "0.0.0-test"), rotation);
    }

    /** A door that lets the wallet's user in when the proof is valid (no UV required, software trust). */
    public static AccessContext contextFor(Wallet wallet, long now, boolean requireUv) {
        CredentialView view = new CredentialView(wallet.credentialId(), "u-wallet", wallet.deviceId(),
                wallet.publicKey(), true, true, wallet.trust(), Set.of("staff"));
        Set<String> seen = new HashSet<>();
        return new AccessContext(
                new DoorSettings("door-1", "zone-1", ZoneId.of("UTC"), 30, 5, requireUv, DeviceTrust.SOFTWARE),
                now,
                id -> id.equals(view.id()) ? Optional.of(view) : Optional.empty(),
                (id, nonce, expiresAt) -> seen.add(id + "/" + nonce),
                zone -> List.of(AccessRule.forRole("zone-1", "staff", List.of())));
    }
}
