package io.gatehouse.server.user;

import io.gatehouse.server.db.ReadTx;

/**
 * Whether a user must have TOTP, as the admin's view of the user reports it. The MFA policy of the user's roles
 * decides; the policy feature reads users' roles, so it is handed in rather than called from here.
 */
@FunctionalInterface
public interface TotpRequirement {
    boolean appliesTo(ReadTx tx, User user);
}
