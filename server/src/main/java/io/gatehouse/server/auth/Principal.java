package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import java.util.Map;
import java.util.Set;

/** The API token a request was authenticated with. */
public record Principal(String tokenId, String name, Set<Scope> scopes) {
    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }

    /**
     * This principal, when it may act with {@code scope}.
     *
     * @throws GatehouseException {@code insufficient_scope} (forbidden) when it may not
     */
    public Principal require(Scope scope) {
        if (!has(scope)) {
            throw new GatehouseException(GatehouseException.Kind.FORBIDDEN, "insufficient_scope", "this operation"
                    + " needs scope '" + scope.code() + "'; the token has " + scopes.stream().map(Scope::code)
                    .sorted().toList(), Map.of("requiredScope", scope.code()));
        }
        return this;
    }

    /** How the audit log names this principal. */
    public String actor() {
        return "token:" + tokenId;
    }
}
