package io.gatehouse.protocol.access;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule granting a role, or a single user, access to a zone, optionally on a weekly schedule.
 * Exactly one of {@code role} and {@code userId} is present.
 *
 * @param zoneId the zone; not null or blank
 * @param role the role granted, or empty for a rule that names a user
 * @param userId the user granted, or empty for a rule that names a role
 * @param schedule the windows in which the rule applies, in the door's site time zone; empty means
 *     always; not null, copied
 */
public record AccessRule(String zoneId, Optional<String> role, Optional<String> userId, List<WeeklyWindow> schedule) {

    /**
     * @throws NullPointerException if an argument is null or {@code schedule} contains null
     * @throws IllegalArgumentException if the zone is blank, or not exactly one of role and user is present
     */
    public AccessRule {
        Objects.requireNonNull(zoneId, "zoneId");
        if (zoneId.isBlank()) {
            throw new IllegalArgumentException("access rule: zoneId must not be blank");
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(userId, "userId");
        if (role.isPresent() == userId.isPresent()) {
            throw new IllegalArgumentException("access rule for zone " + zoneId
                    + ": expected exactly one of role and userId, got " + (role.isPresent() ? "both" : "neither"));
        }
        schedule = List.copyOf(schedule);
    }

    /**
     * Creates a rule for everyone holding a role.
     *
     * @param zoneId the zone; not null or blank
     * @param role the role; not null
     * @param schedule the windows; empty means always; not null
     * @return the rule, never null
     */
    public static AccessRule forRole(String zoneId, String role, List<WeeklyWindow> schedule) {
        return new AccessRule(zoneId, Optional.of(role), Optional.empty(), schedule);
    }

    /**
     * Creates a rule for one user.
     *
     * @param zoneId the zone; not null or blank
     * @param userId the user; not null
     * @param schedule the windows; empty means always; not null
     * @return the rule, never null
     */
    public static AccessRule forUser(String zoneId, String userId, List<WeeklyWindow> schedule) {
        return new AccessRule(zoneId, Optional.empty(), Optional.of(userId), schedule);
    }

    /**
     * Tells whether this rule names the credential's user or one of the user's roles.
     *
     * @param credential the credential; not null
     * @return true if the rule applies to the credential's user
     */
    public boolean grants(CredentialView credential) {
        return userId.map(credential.userId()::equals).orElse(false)
                || role.map(credential.roles()::contains).orElse(false);
    }
}
