package io.gatehouse.server.auth;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The console roles. A person holds any of them among their roles (the same role names MFA policies use); an API token
 * may carry one as a scope. {@link #ADMIN} may do everything.
 */
public enum Role {
    ADMIN("admin", EnumSet.allOf(Permission.class)),
    /** Revoke, suspend, audit, alerts. */
    SECURITY("security", EnumSet.of(Permission.USERS_READ, Permission.USERS_SUSPEND, Permission.CREDENTIALS_REVOKE,
            Permission.DOORS_READ, Permission.READERS_REVOKE, Permission.AUDIT_READ, Permission.AUDIT_EXPORT,
            Permission.ALERTS, Permission.POLICIES_READ, Permission.VISITORS_READ, Permission.VISITORS_WRITE)),
    /** Enrollment links, unlock, recovery-code regeneration. */
    HELPDESK("helpdesk", EnumSet.of(Permission.USERS_READ, Permission.ENROLL, Permission.UNLOCK,
            Permission.RECOVERY_REGENERATE, Permission.DOORS_READ, Permission.POLICIES_READ,
            Permission.VISITORS_READ, Permission.VISITORS_WRITE)),
    /** Read only, and audit export. */
    AUDITOR("auditor", EnumSet.of(Permission.USERS_READ, Permission.DOORS_READ, Permission.AUDIT_READ,
            Permission.AUDIT_EXPORT, Permission.POLICIES_READ, Permission.VISITORS_READ));

    private final String code;
    private final Set<Permission> permissions;

    Role(String code, Set<Permission> permissions) {
        this.code = code;
        this.permissions = Set.copyOf(permissions);
    }

    public String code() {
        return code;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public static Optional<Role> parse(String code) {
        for (Role role : values()) {
            if (role.code.equals(code.toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** What a person holding {@code roleNames} may do in the console; other role names grant nothing. */
    public static Set<Permission> permissionsOf(Collection<String> roleNames) {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (String name : roleNames) {
            parse(name).ifPresent(role -> granted.addAll(role.permissions));
        }
        return granted;
    }

    /** True when {@code roleNames} holds at least one console role. */
    public static boolean anyConsoleRole(Collection<String> roleNames) {
        return roleNames.stream().anyMatch(name -> parse(name).isPresent());
    }
}
