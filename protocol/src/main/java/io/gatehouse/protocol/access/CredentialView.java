package io.gatehouse.protocol.access;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Set;

/**
 * What the verifier needs to know about an enrolled credential, as seen by the server's database or by
 * a reader's signed bundle.
 *
 * <p>{@code acceptedTypes} says which kinds of proof the credential may present, and so what its
 * {@code publicKey} may verify. A device credential accepts {@link ProofType#DEVICE_SIGNED} only: a
 * proof of another type signed with the device key is denied {@code wrong_proof_type} (step 4), since
 * the type byte says who signed, and a device key is not the server's token key. A later web-wallet
 * credential must be created with {@link ProofType#SERVER_MINTED} named explicitly, and the server's
 * token key as its key.
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
 * @param acceptedTypes the proof types the credential accepts; not null, not empty, copied
 */
public record CredentialView(
        CredentialId id,
        String userId,
        String deviceId,
        PublicKey publicKey,
        boolean credentialActive,
        boolean userActive,
        DeviceTrust trust,
        Set<String> roles,
        Set<ProofType> acceptedTypes) {

    /**
     * @throws NullPointerException if any reference is null, or {@code roles} or {@code acceptedTypes}
     *     contains null
     * @throws IllegalArgumentException if {@code acceptedTypes} is empty
     */
    public CredentialView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(trust, "trust");
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        acceptedTypes = Set.copyOf(Objects.requireNonNull(acceptedTypes, "acceptedTypes"));
        if (acceptedTypes.isEmpty()) {
            throw new IllegalArgumentException("credential " + id + ": expected at least one accepted proof type");
        }
    }

    /**
     * A device credential: its key is the device's own, and it accepts {@link ProofType#DEVICE_SIGNED}
     * proofs only.
     *
     * @throws NullPointerException if any reference is null, or {@code roles} contains null
     */
    public CredentialView(CredentialId id, String userId, String deviceId, PublicKey publicKey,
            boolean credentialActive, boolean userActive, DeviceTrust trust, Set<String> roles) {
        this(id, userId, deviceId, publicKey, credentialActive, userActive, trust, roles,
                Set.of(ProofType.DEVICE_SIGNED));
    }

    /**
     * Whether proofs of {@code type} may be verified with this credential's key.
     *
     * @param type a proof type; not null
     * @return true when the credential accepts it
     */
    public boolean accepts(ProofType type) {
        return acceptedTypes.contains(type);
    }
}
