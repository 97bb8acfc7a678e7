package io.gatehouse.server.auth;

import java.util.Set;

/** The API token a request was authenticated with. */
public record Principal(String tokenId, String name, Set<Scope> scopes) {
    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }

    /** How the audit log names this principal. */
    public String actor() {
        return "token:" + tokenId;
    }
}
