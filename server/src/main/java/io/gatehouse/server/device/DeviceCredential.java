package io.gatehouse.server.device;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.util.Set;

/**
 * A device credential as a decision needs it: its key, trust and status, its user's status and roles, and the
 * device facts the audit record of a scan names.
 *
 * @param publicKey the device key as stored (SubjectPublicKeyInfo); empty for a passkey, whose key stays with the
 *     server's passkey records
 */
public record DeviceCredential(CredentialId id, String deviceId, String userId, DeviceKind kind, byte[] publicKey,
        DeviceTrust trust, boolean deviceActive, boolean userActive, Set<String> roles, String model, String os,
        String appVersion) {

    public DeviceCredential {
        roles = Set.copyOf(roles);
    }

    /**
     * What the verifier sees: a passkey has no key at the door (its codes are verified with the minting keys); a
     * stored device key that is not a P-256 key fails here, and the decision fails closed.
     */
    public CredentialView view() {
        if (kind == DeviceKind.PASSKEY) {
            return CredentialView.passkey(id, userId, deviceId, deviceActive, userActive, trust, roles);
        }
        return new CredentialView(id, userId, deviceId, PublicKeys.fromSpki(publicKey), deviceActive, userActive,
                trust, roles);
    }
}
