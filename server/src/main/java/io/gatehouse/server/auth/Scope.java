package io.gatehouse.server.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What an API token may do. {@code admin} includes every other scope. */
public enum Scope {
    /** Manage users, policies, enrollments, tokens; read the audit log; verify codes. */
    ADMIN("admin"),
    /** For applications: verify TOTP and recovery codes. */
    VERIFY("verify"),
    /** Read the audit log. */
    AUDIT_READ("audit:read");

    private final String code;

    Scope(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The codes of every scope, for error messages. */
    public static List<String> codes() {
        return Arrays.stream(values()).map(Scope::code).toList();
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
