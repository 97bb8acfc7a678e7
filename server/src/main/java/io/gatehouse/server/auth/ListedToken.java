package io.gatehouse.server.auth;

import java.util.Set;

/**
 * A token as an admin lists it; {@code revokedAt} null unless revoked, {@code expiresAt} null if it never expires.
 */
public record ListedToken(String id, String name, Set<Scope> scopes, String createdBy, long createdAt,
        Long revokedAt, Long expiresAt) {
    public ListedToken {
        scopes = Set.copyOf(scopes);
    }
}
