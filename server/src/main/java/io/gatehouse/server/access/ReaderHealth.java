package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import java.time.Duration;
import java.time.Instant;

/**
 * A reader's status as the console shows it, derived from what the server recorded:
 * <ul>
 *   <li>{@code revoked}: its credential was revoked;</li>
 *   <li>{@code offline}: not seen for {@link #OFFLINE_AFTER} (a reader fetches its bundle every 30 seconds by
 *       default, and every fetch is recorded at once);</li>
 *   <li>{@code stale_bundle}: seen, but the bundle it fetched last predates a change to its door's configuration
 *       (the door's revision) or has expired, or it never fetched one. A reader that was never provisioned (generation
 *       0) only asks the server online and has no bundle to be stale;</li>
 *   <li>{@code online}: the rest.</li>
 * </ul>
 * The SQL conditions of the list filter and the Java derivation of one reader say the same and sit side by side.
 */
public final class ReaderHealth {
    static final Duration OFFLINE_AFTER = Duration.ofMinutes(5);

    private static final String SEEN = "r.status = 'active' AND r.last_seen_at > ?";
    private static final String FRESH_BUNDLE = "(r.generation = 0 OR (r.bundle_fetched_at IS NOT NULL"
            + " AND r.bundle_revision >= d.revision"
            + " AND r.bundle_fetched_at + CAST(d.max_bundle_age_seconds AS BIGINT) * 1000 > ?))";

    private ReaderHealth() {
    }

    /** A reader as the API shows it; times are ISO-8601 instants, null when they never happened. */
    public record View(String id, String doorId, String name, String status, String health, String lastSeenAt,
            Long bundleVersion, String bundleFetchedAt, Long bundleAgeSeconds, Long pendingEvents,
            long uploadedEventSeq) {
    }

    static View view(ReaderStore.Stored reader, long nowMillis) {
        Long age = reader.bundleFetchedAt() == null ? null
                : Math.max(0, (nowMillis - reader.bundleFetchedAt()) / 1000);
        return new View(reader.id(), reader.doorId(), reader.name(), reader.status(), health(reader, nowMillis),
                instant(reader.lastSeenAt()), reader.bundleVersion() == 0 ? null : reader.bundleVersion(),
                instant(reader.bundleFetchedAt()), age, reader.pendingEvents(), reader.eventSeq());
    }

    static String health(ReaderStore.Stored reader, long nowMillis) {
        if ("revoked".equals(reader.status())) {
            return "revoked";
        }
        if (reader.lastSeenAt() == null || reader.lastSeenAt() <= nowMillis - OFFLINE_AFTER.toMillis()) {
            return "offline";
        }
        boolean fresh = reader.generation() == 0 || reader.bundleFetchedAt() != null
                && reader.bundleRevision() >= reader.doorRevision()
                && reader.bundleFetchedAt() + reader.maxBundleAgeSeconds() * 1000L > nowMillis;
        return fresh ? "online" : "stale_bundle";
    }

    /** Narrows a list to readers of a stored status ({@code active}, {@code revoked}) or a derived one. */
    static void condition(Conditions where, String status, long nowMillis) {
        long seenAfter = nowMillis - OFFLINE_AFTER.toMillis();
        switch (status) {
            case "active", "revoked" -> where.always("r.status = ?", status);
            case "offline" -> where.always("r.status = 'active' AND (r.last_seen_at IS NULL OR r.last_seen_at <= ?)",
                    seenAfter);
            case "stale_bundle" -> where.always(SEEN + " AND NOT " + FRESH_BUNDLE, seenAfter, nowMillis);
            case "online" -> where.always(SEEN + " AND " + FRESH_BUNDLE, seenAfter, nowMillis);
            default -> throw GatehouseException.invalid("invalid_parameter", "query parameter 'status' must be one of"
                    + " active, revoked, online, offline, stale_bundle, got '" + status + "'");
        }
    }

    private static String instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
