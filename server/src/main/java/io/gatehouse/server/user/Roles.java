package io.gatehouse.server.user;

import io.gatehouse.server.common.GatehouseException;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Role names: lower-case letters, digits, '-' and '_', 1 to 32 characters. */
public final class Roles {
    private static final Pattern ROLE = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final int MAX_ROLES = 32;

    private Roles() {
    }

    public static boolean isValid(String role) {
        return role != null && ROLE.matcher(role).matches();
    }

    public static String validate(String role) {
        if (!isValid(role)) {
            throw GatehouseException.invalid("invalid_field", "a role must match [a-z0-9_-]{1,32}, got '" + role + "'");
        }
        return role;
    }

    /**
     * The role names of a request's field {@code roles}, refused when one is null: binding lets a null through as an
     * element, and it must be named as the client's mistake rather than fail later.
     */
    public static List<String> field(List<String> roles) {
        if (roles == null) {
            return null;
        }
        if (roles.contains(null)) {
            throw GatehouseException.invalidField("roles", "an array of strings", "an array containing null");
        }
        return List.copyOf(roles);
    }

    /** Validates and de-duplicates, sorted for stable output. */
    public static TreeSet<String> validateAll(Collection<String> roles) {
        if (roles.size() > MAX_ROLES) {
            throw GatehouseException.invalid("invalid_field", "field 'roles' may hold at most " + MAX_ROLES
                    + " roles, got " + roles.size());
        }
        TreeSet<String> result = new TreeSet<>();
        for (String role : roles) {
            result.add(validate(role));
        }
        return result;
    }
}
