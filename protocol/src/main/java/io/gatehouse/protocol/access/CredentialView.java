package io.gatehouse.protocol.access;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the verifier needs to know about an enrolled credential, as seen by the server's database or by
 * a reader's signed bundle.
 *
 * <p>The {@code kind} says which one proof type the credential may present (step 4): a device-key
 * credential presents device-signed proofs, verified with its {@code deviceKey}; a passkey credential
 * presents minted proofs, verified with the server minting key that each proof names, and has no key of
 * its own at the door.
 *
 * @param id the credential id; not null
 * @param userId the owner; not null
 * @param deviceId the device that holds the key; not null
 * @param kind device key or passkey; not null
 * @param deviceKey the key that verifies a device-key credential's proofs: present exactly for
 *     {@link CredentialKind#DEVICE_KEY}; not null
 * @param credentialActive false when the credential or its device has been revoked
 * @param userActive false when the user is suspended
 * @param trust how far the device is trusted; not null
 * @param roles the user's roles; not null, copied, no null elements
 */
public record CredentialView(
        CredentialId id,
        String userId,
        String deviceId,
        CredentialKind kind,
        Optional<PublicKey> deviceKey,
        boolean credentialActive,
        boolean userActive,
        DeviceTrust trust,
        Set<String> roles) {

    /**
     * @throws NullPointerException if any reference is null, or {@code roles} contains null
     * @throws IllegalArgumentException if a device-key credential has no device key, or a passkey
     *     credential has one
     */
    public CredentialView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(deviceKey, "deviceKey");
        if (deviceKey.isPresent() != (kind == CredentialKind.DEVICE_KEY)) {
            throw new IllegalArgumentException("credential " + id + ": a " + kind.code() + " credential "
                    + (deviceKey.isPresent() ? "has no device key (its proofs are minted)" : "needs its device key"));
        }
        Objects.requireNonNull(trust, "trust");
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    }

    /**
     * A device-key credential: its key is the device's own, and it accepts device-signed proofs only.
     *
     * @throws NullPointerException if any reference is null, or {@code roles} contains null
     */
    public CredentialView(CredentialId id, String userId, String deviceId, PublicKey deviceKey,
            boolean credentialActive, boolean userActive, DeviceTrust trust, Set<String> roles) {
        this(id, userId, deviceId, CredentialKind.DEVICE_KEY, Optional.of(Objects.requireNonNull(deviceKey,
                "deviceKey")), credentialActive, userActive, trust, roles);
    }

    /**
     * A passkey credential of the web wallet: it accepts minted proofs only, and has no device key.
     *
     * @throws NullPointerException if any reference is null, or {@code roles} contains null
     */
    public static CredentialView passkey(CredentialId id, String userId, String deviceId, boolean credentialActive,
            boolean userActive, DeviceTrust trust, Set<String> roles) {
        return new CredentialView(id, userId, deviceId, CredentialKind.PASSKEY, Optional.empty(), credentialActive,
                userActive, trust, roles);
    }

    /**
     * Whether proofs of {@code type} may be presented for this credential.
     *
     * @param type a proof type; not null
     * @return true when it is the proof type of the credential's kind
     */
    public boolean accepts(ProofType type) {
        return kind.proofType() == Objects.requireNonNull(type, "type");
    }

    /**
     * The same credential, active or not: how a bundle's revocation list is applied.
     *
     * @param active whether the credential is active
     * @return the credential with that state, never null
     */
    public CredentialView withCredentialActive(boolean active) {
        return new CredentialView(id, userId, deviceId, kind, deviceKey, active, userActive, trust, roles);
    }
}
