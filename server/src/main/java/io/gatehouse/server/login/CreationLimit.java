package io.gatehouse.server.login;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many login requests one source may create: creating one needs no credential, so without a bound anyone could
 * fill the table and the audit log. A source is the client's address as the HTTP edge sees it, an IPv6 address
 * counted as its /64 (one host is normally given a whole /64). The count is of the stored requests, so every node
 * sees the same; on PostgreSQL, creations racing on several connections can pass the bound by a few. Refusals are
 * audited once per source and window on each node, so that a flood of refusals cannot flood the audit log.
 */
final class CreationLimit {
    /** Enough for a busy office behind one address; a waiting page asks once a minute. */
    static final int MAX_PER_WINDOW = 20;
    static final Duration WINDOW = Duration.ofSeconds(60);
    private static final int MAX_REMEMBERED = 10_000;

    private final ConcurrentHashMap<String, Long> auditedUntil = new ConcurrentHashMap<>();

    /** The start of the window that ends now: creations after it count. */
    static long windowStart(long now) {
        return now - WINDOW.toMillis();
    }

    /**
     * Seconds until the source may create again, 0 when it may now: the oldest creation in the window has to leave
     * it first.
     */
    static long retryAfterSeconds(LoginRequestStore.Recent recent, long now) {
        if (recent.count() < MAX_PER_WINDOW || recent.firstCreatedAt() == null) {
            return 0;
        }
        long wait = recent.firstCreatedAt() + WINDOW.toMillis() - now;
        return Math.max(1, (wait + 999) / 1000);
    }

    /** Whether a refusal of {@code source} is the first of its window on this node, and so to be audited. */
    boolean firstRefusal(String source, long now) {
        if (auditedUntil.size() >= MAX_REMEMBERED) {
            auditedUntil.values().removeIf(until -> until <= now);
            if (auditedUntil.size() >= MAX_REMEMBERED) {
                auditedUntil.clear();
            }
        }
        boolean[] first = {false};
        auditedUntil.compute(source, (key, until) -> {
            if (until != null && until > now) {
                return until;
            }
            first[0] = true;
            return now + WINDOW.toMillis();
        });
        return first[0];
    }
}
