package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an API token may do. {@code admin} includes everything; {@code security}, {@code helpdesk} and
 * {@code auditor} grant exactly what the console role of that name grants.
 */
public enum Scope {
    /** Everything. */
    ADMIN("admin", Role.ADMIN.permissions()),
    /** For applications: verify TOTP and recovery codes. */
    VERIFY("verify", EnumSet.of(Permission.VERIFY)),
    /** Read the audit log. */
    AUDIT_READ("audit:read", EnumSet.of(Permission.AUDIT_READ)),
    /** Read visitor passes (a lobby's screen, a report). */
    VISITORS_READ("visitors:read", EnumSet.of(Permission.VISITORS_READ)),
    /** Invite visitors and manage their passes (a booking system, a front desk). */
    VISITORS_WRITE("visitors:write", EnumSet.of(Permission.VISITORS_READ, Permission.VISITORS_WRITE)),
    /** List managed QR codes, read their analytics and render their images. */
    CODES_READ("codes:read", EnumSet.of(Permission.CODES_READ)),
    /**
     * Manage QR codes: everything {@code codes:read} may, and create, edit, disable, enable and revoke them, and set
     * the logo of their images.
     */
    CODES_WRITE("codes:write", EnumSet.of(Permission.CODES_READ, Permission.CODES_WRITE)),
    SECURITY("security", Role.SECURITY.permissions()),
    HELPDESK("helpdesk", Role.HELPDESK.permissions()),
    AUDITOR("auditor", Role.AUDITOR.permissions());

    private final String code;
    private final Set<Permission> permissions;

    Scope(String code, Set<Permission> permissions) {
        this.code = code;
        this.permissions = Set.copyOf(permissions);
    }

    /** What a token holding {@code scopes} may do. */
    public static Set<Permission> permissionsOf(Set<Scope> scopes) {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        scopes.forEach(scope -> granted.addAll(scope.permissions));
        return granted;
    }

    public String code() {
        return code;
    }

    /** The codes of every scope, for error messages. */
    public static List<String> codes() {
        return Arrays.stream(values()).map(Scope::code).toList();
    }

    /**
     * The scopes {@code codes} name.
     *
     * @throws GatehouseException 400 {@code invalid_field} naming an unknown one
     */
    public static Set<Scope> parseAll(java.util.Collection<String> codes) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String code : codes) {
            scopes.add(parse(code).orElseThrow(() -> GatehouseException.invalid("invalid_field", "unknown scope '"
                    + code + "'; known scopes: " + codes())));
        }
        return scopes;
    }

    public static Optional<Scope> parse(String code) {
        for (Scope scope : values()) {
            if (scope.code.equals(code.toLowerCase(Locale.ROOT))) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
