package io.gatehouse.server.oidc;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.PersonalData;
import java.util.Map;

/**
 * A deleted person's part in the provider: their sessions (which ends them: the cookie then names nothing), their
 * unexchanged codes and their access and refresh tokens (which revokes them). The foreign keys would cascade too;
 * deleting here first makes the deletion report count what went.
 */
public final class OidcErasure implements PersonalData {
    private final GrantStore grants = new GrantStore();

    @Override
    public Map<String, Integer> erase(Tx tx, String userId) {
        return Map.of("signInSessions", ProviderSessionStore.deleteAllOf(tx, userId),
                "oidcCodes", grants.deleteCodesOf(tx, userId),
                "oidcTokens", grants.deleteTokensOf(tx, userId));
    }
}
