package io.gatehouse.server.user;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import java.util.Locale;
import java.util.Optional;

/**
 * Which people a list asks for; each part is optional and they combine with AND.
 *
 * @param namePrefix the start of the case-folded username ({@link Username#key()}): a prefix, so that the index on
 *     the key serves it, and folded like the key, so that {@code AL} finds {@code alice}
 * @param role a role the person holds
 * @param status {@code active} or {@code suspended}
 */
public record UserFilter(Optional<String> namePrefix, Optional<String> role, Optional<String> status) {
    public static final UserFilter EVERYONE = new UserFilter(Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * The filter of the query parameters {@code q}, {@code role} and {@code status}, each null when absent.
     *
     * @throws GatehouseException 400 {@code invalid_parameter} for a value no person can match: a {@code q} outside
     *     the username alphabet, a role name that is not one, a status other than the two
     */
    public static UserFilter of(String q, String role, String status) {
        if (q != null && Username.parse(q).isEmpty()) {
            throw invalid("q", "1 to 64 characters of A-Z a-z 0-9 . _ @ + -", q);
        }
        if (role != null && !Roles.isValid(role)) {
            throw invalid("role", "a role name matching [a-z0-9_-]{1,32}", role);
        }
        if (status != null && !status.equals("active") && !status.equals("suspended")) {
            throw invalid("status", "'active' or 'suspended'", status);
        }
        return new UserFilter(Optional.ofNullable(q).map(text -> text.toLowerCase(Locale.ROOT)),
                Optional.ofNullable(role), Optional.ofNullable(status));
    }

    private static GatehouseException invalid(String parameter, String expected, String got) {
        return GatehouseException.invalid("invalid_parameter", "query parameter '" + parameter + "' must be "
                + expected + ", got '" + Utf8.truncate(got, 40) + "'");
    }
}
