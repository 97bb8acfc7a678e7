package io.gatehouse.server.visitor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A visitor's pass as stored. {@code name}, {@code email} and {@code note} are empty once the visitor is erased;
 * everything else stays as the pseudonymous record that audit records naming {@code visitor:<id>} resolve to.
 *
 * @param doorIds the doors invited directly
 * @param zoneIds the zones whose every door is invited
 * @param invitationId the outbox message of the latest invitation e-mail, if one was written
 */
public record Visitor(String id, Optional<String> name, Optional<String> email, Optional<String> note,
        Optional<String> hostUserId, Instant from, Instant until, int maxEntries, int entriesUsed, boolean revoked,
        Optional<String> invitationId, String createdBy, Instant createdAt, Optional<Instant> revokedAt,
        Optional<Instant> lastEntryAt, Optional<Instant> erasedAt, List<String> doorIds, List<String> zoneIds) {

    public Visitor {
        doorIds = List.copyOf(doorIds);
        zoneIds = List.copyOf(zoneIds);
    }

    public boolean erased() {
        return erasedAt.isPresent();
    }

    /** Where the pass stands at {@code now}: the first of revoked, expired, used up, upcoming, active that holds. */
    public PassState state(Instant now) {
        if (revoked) {
            return PassState.REVOKED;
        }
        if (!now.isBefore(until)) {
            return PassState.EXPIRED;
        }
        if (entriesUsed >= maxEntries) {
            return PassState.USED_UP;
        }
        return now.isBefore(from) ? PassState.UPCOMING : PassState.ACTIVE;
    }

    /** Whether the pass admits at {@code doorId} of zone {@code zoneId} by its invitation (not by its window). */
    public boolean invites(String doorId, String zoneId) {
        return doorIds.contains(doorId) || zoneIds.contains(zoneId);
    }
}
