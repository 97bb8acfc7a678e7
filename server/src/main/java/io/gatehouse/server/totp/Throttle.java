package io.gatehouse.server.totp;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.Username;
import java.time.Clock;
import java.time.Duration;

/**
 * Per-user throttling of second-factor checks (RFC 4226 §7.3): after {@code threshold} consecutive failures the
 * user is locked for {@code duration}. The lock always expires, so an attacker who knows a username can delay that
 * user but never lock them out for good; a success resets the count. TOTP and recovery codes share one counter, so
 * an attacker cannot double their guesses by alternating.
 *
 * <p>The state lives on the user row, which every check locks first ({@code SELECT … FOR UPDATE}), so concurrent
 * guesses are counted exactly and cannot slip past the threshold.
 */
final class Throttle {
    private final Clock clock;
    private final int threshold;
    private final Duration duration;

    Throttle(Clock clock, int threshold, Duration duration) {
        this.clock = clock;
        this.threshold = threshold;
        this.duration = duration;
    }

    /** The user's lock and failure state, read under the row lock. */
    record State(String userId, String username, String status, int failures, Long lockedUntil) {
    }

    /** Null when no user has that name (compared by its case-folded key, see {@link Username}). */
    State lock(Tx tx, String username) {
        return Username.parse(username).flatMap(name -> tx.queryOne("SELECT id, username, status, failed_attempts,"
                        + " locked_until FROM users WHERE username_key = ?" + tx.dialect().forUpdate(),
                rs -> new State(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        Tx.nullableLong(rs, "locked_until")), name.key()))
                .orElse(null);
    }

    /** Seconds until the lock ends, or 0 when the user is not locked (an expired lock is cleared). */
    long secondsLocked(Tx tx, State state) {
        if (state.lockedUntil() == null) {
            return 0;
        }
        long now = clock.millis();
        if (state.lockedUntil() > now) {
            return Math.max(1, (state.lockedUntil() - now + 999) / 1000);
        }
        tx.update("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?", state.userId());
        return 0;
    }

    /** Counts one failure; returns true when it started a lock. */
    boolean fail(Tx tx, State state) {
        int failures = (state.lockedUntil() != null ? 0 : state.failures()) + 1;
        if (failures >= threshold) {
            tx.update("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?", failures,
                    clock.millis() + duration.toMillis(), state.userId());
            return true;
        }
        tx.update("UPDATE users SET failed_attempts = ?, locked_until = NULL WHERE id = ?", failures, state.userId());
        return false;
    }

    void succeed(Tx tx, State state) {
        if (state.failures() != 0 || state.lockedUntil() != null) {
            tx.update("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?", state.userId());
        }
    }
}
