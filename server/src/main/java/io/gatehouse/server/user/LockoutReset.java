package io.gatehouse.server.user;

import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;

/**
 * Ends a person's second-factor lockout early. The TOTP feature owns the throttles and does it; the composition root
 * hands it in, like {@link SecondFactors}, because the TOTP feature depends on users.
 */
@FunctionalInterface
public interface LockoutReset {
    /**
     * Clears the user's failure window and lock and every source's lock against them, and audits it.
     *
     * @throws io.gatehouse.server.common.GatehouseException 404 {@code user_not_found}
     */
    void unlock(String userId, Principal by, ClientInfo client);
}
