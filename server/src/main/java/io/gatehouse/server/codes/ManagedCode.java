package io.gatehouse.server.codes;

import java.time.Instant;
import java.util.Optional;

/**
 * A managed code as stored. {@code storedState} is the row's own state; {@link #stateAt} adds expiry and the use
 * limit. {@code scans} and {@code uses} count for the code's whole life, also after scan details are deleted.
 *
 * @param handleSealed the handle sealed with the master key, for codes whose URL may be shown again; else null
 */
public record ManagedCode(String id, Purpose purpose, String target, String referenceId, String label,
        CodeState storedState, String endReason, Instant expiresAt, Integer maxUses, int uses, long scans,
        String createdBy, Instant createdAt, Instant updatedAt, byte[] handleSealed) {

    /** The state at {@code now}: the stored one unless the code is active and past its expiry or its uses. */
    public CodeState stateAt(Instant now) {
        if (storedState != CodeState.ACTIVE) {
            return storedState;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return CodeState.EXPIRED;
        }
        if (maxUses != null && uses >= maxUses) {
            return CodeState.USED_UP;
        }
        return CodeState.ACTIVE;
    }

    /** This code as ended by its feature, when the row does not know it yet. */
    ManagedCode endedBy(String reason) {
        return new ManagedCode(id, purpose, target, referenceId, label, CodeState.ENDED, reason, expiresAt, maxUses,
                uses, scans, createdBy, createdAt, updatedAt, handleSealed);
    }

    public Optional<Integer> remainingUses() {
        return maxUses == null ? Optional.empty() : Optional.of(Math.max(0, maxUses - uses));
    }
}
