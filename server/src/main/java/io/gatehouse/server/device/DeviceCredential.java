package io.gatehouse.server.device;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialKind;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.util.Set;

/**
 * A device credential as a decision needs it: its kind, key, trust and status, its user's status and roles, and the
 * device facts the audit record of a scan names.
 *
 * @param kind which proofs the credential presents: device-signed for a device key, minted for a passkey
 * @param publicKey the key as stored: the device key's SubjectPublicKeyInfo, or a passkey's COSE key (which never
 *     verifies a door code: the server checks the passkey's assertion and mints the code)
 */
public record DeviceCredential(CredentialId id, String deviceId, String userId, CredentialKind kind,
        byte[] publicKey, DeviceTrust trust, boolean deviceActive, boolean userActive, Set<String> roles,
        String model, String os, String appVersion) {

    public DeviceCredential {
        roles = Set.copyOf(roles);
    }

    /**
     * What the verifier sees. A device key that is not a P-256 key fails here, and the decision fails closed; a
     * passkey's stored key is not read.
     */
    public CredentialView view() {
        return switch (kind) {
            case DEVICE_KEY -> new CredentialView(id, userId, deviceId, PublicKeys.fromSpki(publicKey), deviceActive,
                    userActive, trust, roles);
            case PASSKEY -> CredentialView.passkey(id, userId, deviceId, deviceActive, userActive, trust, roles);
        };
    }
}
