package io.gatehouse.server.kiosk;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A lobby kiosk as stored.
 *
 * @param failedCodes wrong short codes typed in a row since the last right one or the last lock
 * @param lockedUntil until when code entry is locked after too many wrong codes
 */
public record Kiosk(String id, String name, State state, Optional<Instant> pairingExpiresAt, int failedCodes,
        Optional<Instant> lockedUntil, String createdBy, Instant createdAt, Optional<Instant> pairedAt,
        Optional<Instant> lastSeenAt, Optional<Instant> revokedAt) {

    public enum State {
        PENDING, PAIRED, REVOKED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The actor of what the kiosk does, in audit records. */
    public String actor() {
        return "kiosk:" + id;
    }

    public boolean codesLocked(Instant now) {
        return lockedUntil.filter(now::isBefore).isPresent();
    }

    /** The kiosk as the API and the console show it; times it does not have yet are absent. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record View(String id, String name, String state, String pairingExpiresAt, String createdAt,
            String pairedAt, String lastSeenAt, String revokedAt) {
    }

    public View view() {
        return new View(id, name, state.code(), text(pairingExpiresAt), createdAt.toString(), text(pairedAt),
                text(lastSeenAt), text(revokedAt));
    }

    private static String text(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
