package io.gatehouse.server.totp;

import io.gatehouse.server.db.ReadTx;

/** The state of a user's second factor, as other features show it. */
public final class TotpStatus {
    private TotpStatus() {
    }

    /**
     * @param activeCredential whether the user has an active TOTP credential
     * @param pendingEnrollment whether an enrollment link of the user waits to be activated
     * @param recoveryCodesRemaining recovery codes neither used nor revoked
     */
    public record Summary(boolean activeCredential, boolean pendingEnrollment, long recoveryCodesRemaining) {
    }

    public static Summary of(ReadTx tx, String userId) {
        boolean active = tx.queryLong("SELECT COUNT(*) FROM totp_credentials WHERE user_id = ? AND status = 'active'",
                userId) > 0;
        boolean pending = tx.queryLong("SELECT COUNT(*) FROM totp_enrollments WHERE user_id = ? AND status ="
                + " 'pending'", userId) > 0;
        long recovery = tx.queryLong("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND revoked_at IS NULL"
                + " AND used_at IS NULL", userId);
        return new Summary(active, pending, recovery);
    }
}
