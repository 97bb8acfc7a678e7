package io.gatehouse.server.http;

import io.gatehouse.server.common.GatehouseException;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP side of bearer authentication (RFC 6750): reads {@code Authorization: Bearer <token>} and answers a
 * missing or refused token with 401 and the {@code WWW-Authenticate} challenge. What a token is worth is decided
 * by the {@code check} a feature passes in, which knows nothing of HTTP.
 */
public final class BearerTokens {
    private static final String SCHEME = "Bearer ";
    private static final String REALM = "Bearer realm=\"gatehouse\"";

    private BearerTokens() {
    }

    /**
     * @throws GatehouseException {@code unauthenticated} without a bearer token, {@code invalid_token} when
     *     {@code check} refuses it
     */
    public static <P> P authenticate(Context ctx, Function<String, Optional<P>> check) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            ctx.header("WWW-Authenticate", REALM);
            throw GatehouseException.unauthenticated("unauthenticated", "expected 'Authorization: Bearer <token>'");
        }
        return check.apply(header.substring(SCHEME.length()).strip()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", REALM + ", error=\"invalid_token\"");
            return GatehouseException.unauthenticated("invalid_token",
                    "the bearer token is unknown, revoked or malformed");
        });
    }
}
