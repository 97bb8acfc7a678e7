package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import java.util.Map;
import java.util.Set;

/**
 * Who a request acts as: an API token, or a person signed in to the console. Either way it is a set of
 * {@link Permission}s, checked the same way, and an actor name for the audit log.
 *
 * @param actor how the audit log names this principal: {@code token:<id>} or {@code user:<id>}
 * @param name the token's name or the person's username
 * @param grants what the principal was given, for error messages: scope codes or role names
 */
public record Principal(String actor, String name, Set<Permission> permissions, Set<String> grants) {
    public Principal {
        permissions = Set.copyOf(permissions);
        grants = Set.copyOf(grants);
    }

    /** An API token with {@code scopes}. */
    public static Principal token(String tokenId, String name, Set<Scope> scopes) {
        return new Principal("token:" + tokenId, name, Scope.permissionsOf(scopes),
                scopes.stream().map(Scope::code).collect(java.util.stream.Collectors.toSet()));
    }

    /** A person signed in to the console, with their role names. */
    public static Principal user(String userId, String username, Set<String> roles) {
        return new Principal("user:" + userId, username, Role.permissionsOf(roles), roles);
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }

    /**
     * This principal, when it may do {@code permission}.
     *
     * @throws GatehouseException {@code insufficient_scope} (forbidden) when it may not
     */
    public Principal require(Permission permission) {
        if (!has(permission)) {
            String needed = permission.name().toLowerCase(java.util.Locale.ROOT);
            throw new GatehouseException(GatehouseException.Kind.FORBIDDEN, "insufficient_scope", "this operation"
                    + " needs permission '" + needed + "', which " + (actor.startsWith("token:") ? "the token's scopes "
                    : "the roles ") + grants.stream().sorted().toList() + " do not grant",
                    Map.of("requiredPermission", needed));
        }
        return this;
    }
}
