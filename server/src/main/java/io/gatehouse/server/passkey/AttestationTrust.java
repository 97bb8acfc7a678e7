package io.gatehouse.server.passkey;

import com.yubico.fido.metadata.MetadataStatement;
import io.gatehouse.protocol.access.DeviceTrust;
import com.yubico.fido.metadata.VerificationMethodDescriptor;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.data.AttestationType;
import com.yubico.webauthn.extension.uvm.KeyProtectionType;
import com.yubico.webauthn.extension.uvm.UserVerificationMethod;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what a registration proved about its authenticator into a trust level, with the reason. The checks run in
 * order and the first that applies decides:
 * <ol>
 * <li>a backup-eligible credential is {@code synced}, whatever its attestation: the platform copies the key to the
 * person's other devices, so no attestation speaks for every copy;</li>
 * <li>an attestation that did not verify to a trusted root (none, self, or an unknown root) is {@code software};</li>
 * <li>metadata that says the key is kept in software is {@code software};</li>
 * <li>metadata that says every way of using the key verifies the user is {@code hardware+biometric};</li>
 * <li>any other trusted attestation is {@code hardware}.</li>
 * </ol>
 * WebAuthn's user verification means "biometric or device PIN"; the level name follows the protocol's.
 */
final class AttestationTrust {
    private static final Set<KeyProtectionType> HARDWARE_KEYS = EnumSet.of(KeyProtectionType.KEY_PROTECTION_HARDWARE,
            KeyProtectionType.KEY_PROTECTION_TEE, KeyProtectionType.KEY_PROTECTION_SECURE_ELEMENT);
    /** Methods that prove only presence, or nothing: a combination with one of these does not verify the user. */
    private static final Set<UserVerificationMethod> NOT_VERIFYING = EnumSet.of(
            UserVerificationMethod.USER_VERIFY_PRESENCE_INTERNAL, UserVerificationMethod.USER_VERIFY_NONE);

    private final TrustRoots roots;

    AttestationTrust(TrustRoots roots) {
        this.roots = roots;
    }

    TrustDecision decide(RegistrationResult registration) {
        if (registration.isBackupEligible()) {
            return new TrustDecision(DeviceTrust.SYNCED, "backup-eligible: the platform syncs this passkey between the"
                    + " person's devices");
        }
        if (!registration.isAttestationTrusted()) {
            return new TrustDecision(DeviceTrust.SOFTWARE, untrustedReason(registration.getAttestationType()));
        }
        Optional<MetadataStatement> statement = roots.statementFor(registration);
        if (statement.isEmpty()) {
            return new TrustDecision(DeviceTrust.HARDWARE, "attestation verified to an operator-trusted root; no"
                    + " metadata describes this authenticator");
        }
        Set<KeyProtectionType> protection = statement.get().getKeyProtection();
        if (protection.stream().noneMatch(HARDWARE_KEYS::contains)) {
            return new TrustDecision(DeviceTrust.SOFTWARE, "attestation verified, but the metadata says this"
                    + " authenticator keeps keys in software (" + protection + ")");
        }
        String model = statement.get().getDescription().orElse("an authenticator without description");
        if (verifiesUserAtEveryUse(statement.get())) {
            return new TrustDecision(DeviceTrust.HARDWARE_BIOMETRIC, "attestation verified to the metadata of " + model
                    + ": keys in hardware, user verification (biometric or device PIN) at every use");
        }
        return new TrustDecision(DeviceTrust.HARDWARE, "attestation verified to the metadata of " + model
                + ": keys in hardware, but some ways of use do not verify the user");
    }

    /** Every combination the metadata lists includes a method that verifies the user. */
    private static boolean verifiesUserAtEveryUse(MetadataStatement statement) {
        Set<Set<VerificationMethodDescriptor>> combinations = statement.getUserVerificationDetails();
        return !combinations.isEmpty() && combinations.stream().allMatch(combination -> combination.stream()
                .anyMatch(method -> method.getUserVerificationMethod() != null
                        && !NOT_VERIFYING.contains(method.getUserVerificationMethod())));
    }

    private static String untrustedReason(AttestationType type) {
        return switch (type) {
            case NONE -> "no attestation: nothing vouches for where the key is kept";
            case SELF_ATTESTATION -> "self attestation: the key vouches only for itself";
            default -> "attestation (" + type + ") not verified to a trusted root";
        };
    }
}
