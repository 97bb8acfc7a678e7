package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import io.javalin.http.Context;
import java.util.Map;

/** Reads {@code Authorization: Bearer …} and checks the token's scope; the only way handlers authenticate. */
public final class Authenticator {
    private final ApiTokens tokens;

    public Authenticator(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * @throws GatehouseException 401 {@code unauthenticated} without a valid token, 403 {@code insufficient_scope} when
     *     the token lacks {@code scope}
     */
    public Principal require(Context ctx, Scope scope) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
            throw GatehouseException.unauthenticated("unauthenticated", "expected 'Authorization: Bearer <token>'");
        }
        Principal principal = tokens.authenticate(header.substring(7).strip()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
            return GatehouseException.unauthenticated("invalid_token", "the bearer token is unknown, revoked or malformed");
        });
        if (!principal.has(scope)) {
            throw new GatehouseException(GatehouseException.Kind.FORBIDDEN, "insufficient_scope", "this operation needs scope '"
                    + scope.code() + "'; the token has " + principal.scopes().stream().map(Scope::code).toList(),
                    Map.of("requiredScope", scope.code()));
        }
        return principal;
    }
}
