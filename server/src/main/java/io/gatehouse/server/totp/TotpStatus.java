package io.gatehouse.server.totp;

import io.gatehouse.server.db.ReadTx;

/** The state of a user's second factor as other features show it, read without changing anything. */
public final class TotpStatus {
    private TotpStatus() {
    }

    /**
     * @param activeCredential the user has an active TOTP credential
     * @param pendingEnrollment an enrollment link of the user is still pending
     * @param recoveryCodesRemaining current recovery codes not yet used
     */
    public record Summary(boolean activeCredential, boolean pendingEnrollment, long recoveryCodesRemaining) {
    }

    public static Summary of(ReadTx tx, String userId) {
        return new Summary(TotpStore.hasActiveCredential(tx, userId), EnrollmentStore.hasPending(tx, userId),
                TotpStore.unusedRecoveryCodes(tx, userId));
    }
}
