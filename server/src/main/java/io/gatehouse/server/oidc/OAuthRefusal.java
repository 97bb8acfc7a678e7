package io.gatehouse.server.oidc;

import io.gatehouse.server.common.GatehouseException;

/**
 * The refusals of the token endpoint, named as RFC 6749 §5.2 and OpenID Connect name them; the controller answers
 * them as OAuth error JSON (not as problem documents), {@code invalid_client} with 401.
 */
final class OAuthRefusal {
    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_CLIENT = "invalid_client";
    static final String INVALID_GRANT = "invalid_grant";
    static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
    static final String INVALID_SCOPE = "invalid_scope";

    private OAuthRefusal() {
    }

    static GatehouseException of(String error, String description) {
        return INVALID_CLIENT.equals(error) ? GatehouseException.unauthenticated(error, description)
                : GatehouseException.invalid(error, description);
    }
}
