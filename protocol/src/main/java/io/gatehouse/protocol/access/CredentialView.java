package io.gatehouse.protocol.access;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Set;

/**
 * What the verifier needs to know about an enrolled credential, as seen by the server's database or by
 * a reader's signed bundle.
 *
 * @param id the credential id; not null
 * @param userId the owner; not null
 * @param deviceId the device that holds the key; not null
 * @param publicKey the key that verifies the credential's proofs; not null. For a device credential
 *     it is the device key; for a web-wallet credential (server-minted proofs) the directory returns
 *     the server's token key here
 * @param credentialActive false when the credential or its device has been revoked
 * @param userActive false when the user is suspended
 * @param trust how far the device is trusted; not null
 * @param roles the user's roles; not null, copied, no null elements
 */
public record CredentialView(
        CredentialId id,
        String userId,
        String deviceId,
        PublicKey publicKey,
        boolean credentialActive,
        boolean userActive,
        DeviceTrust trust,
        Set<String> roles) {

    /**
     * @throws NullPointerException if any reference is null, or {@code roles} contains null
     */
    public CredentialView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(trust, "trust");
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    }
}
