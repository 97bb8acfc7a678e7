package io.gatehouse.server.http;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.ApiTokens;
import io.javalin.http.Context;

/**
 * What controllers call to authenticate a request: the header is read by {@link BearerTokens}, the token checked by
 * {@link ApiTokens#authenticate} and the scope by {@link Principal#require}, neither of which knows HTTP.
 */
public final class Authenticator {
    private final ApiTokens tokens;

    public Authenticator(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * @throws io.gatehouse.server.common.GatehouseException 401 {@code unauthenticated} without a valid token, 403
     *     {@code insufficient_scope} when the token lacks {@code permission}
     */
    public Principal require(Context ctx, Permission permission) {
        return BearerTokens.authenticate(ctx, tokens::authenticate).require(permission);
    }
}
