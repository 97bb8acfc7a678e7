package io.gatehouse.server.user;

import io.gatehouse.server.db.ReadTx;

/**
 * The state of a user's second factor, as the admin's view of the user reports it. The TOTP feature knows the
 * credentials and the MFA policy of the user's roles knows whether one is required; both depend on users, so the
 * composition root hands this in rather than the user feature calling them (that would be a package cycle).
 */
@FunctionalInterface
public interface SecondFactors {
    State of(ReadTx tx, User user);

    /**
     * @param active the user has an active TOTP credential
     * @param pendingEnrollment an enrollment link of the user is still pending
     * @param required the MFA policy of the user's roles requires TOTP
     * @param recoveryCodesRemaining current recovery codes not yet used
     */
    record State(boolean active, boolean pendingEnrollment, boolean required, long recoveryCodesRemaining) {
    }
}
