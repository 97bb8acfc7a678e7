package io.gatehouse.server.totp;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.Username;
import java.time.Clock;
import java.util.Optional;

/**
 * Throttling of second-factor checks (RFC 4226 §7.3) at two levels. TOTP and recovery codes share both, so an
 * attacker cannot double their guesses by alternating.
 *
 * <ul>
 *   <li><b>Per user</b>, all sources together: at most {@link Lockout#threshold()} counted failures fit in one
 *       failure window, which the first counted failure opens and which lasts {@link Lockout#window()}. While the
 *       window is full, every check of the user is refused until it ends. Windows never overlap, so this bounds the
 *       guesses against one user to {@code threshold} per window length, whoever sends them.</li>
 *   <li><b>Per user and {@link Source}</b>: {@link Lockout#sourceThreshold()} counted failures in a row from one
 *       source lock that source out of that user, for one window length at the first lock and twice as long at
 *       each further lock in a row, up to {@link Lockout#sourceMaxLock()}. A locked source waits at least a window
 *       length and has fewer failures than the user's threshold, so no window ever holds more than one source's
 *       run: one source alone cannot fill it, and the others keep at least
 *       {@code threshold - sourceThreshold} guesses. A success clears only its own source.</li>
 * </ul>
 *
 * <p>The user's state lives on the user row and the sources' in {@code totp_source_throttle}; every check locks the
 * user row first ({@code SELECT … FOR UPDATE}), so concurrent guesses, on any node, are counted exactly and cannot
 * slip past either threshold. A source row exists only after a counted failure, so the user's window bounds how
 * many there are; a row is forgotten once its source has been quiet for {@link Lockout#sourceMaxLock()}.
 */
final class Throttle {
    static final String SCOPE_SOURCE = "source";
    static final String SCOPE_USER = "user";

    private final Clock clock;
    private final Lockout settings;

    Throttle(Clock clock, Lockout settings) {
        this.clock = clock;
        this.settings = settings;
    }

    /** The user's status and failure window, read under the row lock. */
    record State(String userId, String username, String status, int failures, Long windowEnds, Long lockedUntil) {
    }

    /** A check refused before its code is looked at: which lock refused it, and for how long. */
    record Refusal(String scope, long retryAfterSeconds) {
    }

    /** The locks a counted failure started. */
    record Failure(boolean sourceLocked, boolean userLocked) {
        boolean lockStarted() {
            return sourceLocked || userLocked;
        }

        String scope() {
            return sourceLocked && userLocked ? SCOPE_SOURCE + "," + SCOPE_USER
                    : sourceLocked ? SCOPE_SOURCE : SCOPE_USER;
        }
    }

    private record SourceState(int failures, int locks, Long lockedUntil, long forgetAt) {
        static final SourceState NONE = new SourceState(0, 0, null, 0);
    }

    /** Null when no user has that name (compared by its case-folded key, see {@link Username}). */
    State lock(Tx tx, String username) {
        return Username.parse(username).flatMap(name -> tx.queryOne("SELECT id, username, status, failed_attempts,"
                        + " failure_window_ends, locked_until FROM users WHERE username_key = ?"
                        + tx.dialect().forUpdate(),
                rs -> new State(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        Tx.nullableLong(rs, "failure_window_ends"), Tx.nullableLong(rs, "locked_until")), name.key()))
                .orElse(null);
    }

    /**
     * The lock that refuses this check, the longer one when both do; empty when the check may go on (an ended
     * failure window is then cleared).
     */
    Optional<Refusal> refusal(Tx tx, State state, Source source) {
        long now = clock.millis();
        Long sourceLock = sourceState(tx, state.userId(), source, now).lockedUntil();
        long sourceUntil = sourceLock == null ? 0 : sourceLock;
        long userUntil = state.lockedUntil() == null ? 0 : state.lockedUntil();
        long until = Math.max(sourceUntil, userUntil);
        if (until > now) {
            return Optional.of(new Refusal(sourceUntil >= userUntil ? SCOPE_SOURCE : SCOPE_USER,
                    Math.max(1, (until - now + 999) / 1000)));
        }
        boolean windowEnded = state.windowEnds() == null || state.windowEnds() <= now;
        if (windowEnded && (state.failures() != 0 || state.windowEnds() != null || state.lockedUntil() != null)) {
            tx.update("UPDATE users SET failed_attempts = 0, failure_window_ends = NULL, locked_until = NULL"
                    + " WHERE id = ?", state.userId());
        }
        return Optional.empty();
    }

    /** Counts one failure against the user's window and against the source. */
    Failure fail(Tx tx, State state, Source source) {
        long now = clock.millis();
        boolean windowOpen = state.windowEnds() != null && state.windowEnds() > now;
        int failures = windowOpen ? state.failures() + 1 : 1;
        long windowEnds = windowOpen ? state.windowEnds() : now + settings.window().toMillis();
        boolean userLocked = failures >= settings.threshold();
        tx.update("UPDATE users SET failed_attempts = ?, failure_window_ends = ?, locked_until = ? WHERE id = ?",
                failures, windowEnds, userLocked ? windowEnds : null, state.userId());

        SourceState before = sourceState(tx, state.userId(), source, now);
        int inRow = before.failures() + 1;
        int locks = before.locks();
        Long lockedUntil = before.lockedUntil();
        boolean sourceLocked = inRow >= settings.sourceThreshold();
        if (sourceLocked) {
            locks++;
            lockedUntil = now + settings.sourceLock(locks).toMillis();
            inRow = 0;
        }
        long forgetAt = Math.max(now, lockedUntil == null ? 0 : lockedUntil) + settings.sourceMaxLock().toMillis();
        tx.update("INSERT INTO totp_source_throttle (user_id, source, failures, locks, locked_until, forget_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, source) DO UPDATE SET failures = excluded.failures,"
                + " locks = excluded.locks, locked_until = excluded.locked_until, forget_at = excluded.forget_at",
                state.userId(), source.key(), inRow, locks, lockedUntil, forgetAt);
        return new Failure(sourceLocked, userLocked);
    }

    /** A success proves the source holds the factor: its run and backoff end. The user's window stays. */
    void succeed(Tx tx, State state, Source source) {
        tx.update("DELETE FROM totp_source_throttle WHERE user_id = ? AND source = ?", state.userId(), source.key());
    }

    /** Deletes the rows of sources quiet for long enough; returns how many. */
    int forgetQuietSources(Tx tx) {
        return tx.update("DELETE FROM totp_source_throttle WHERE forget_at <= ?", clock.millis());
    }

    private SourceState sourceState(Tx tx, String userId, Source source, long now) {
        return tx.queryOne("SELECT failures, locks, locked_until, forget_at FROM totp_source_throttle"
                        + " WHERE user_id = ? AND source = ?",
                rs -> new SourceState(rs.getInt(1), rs.getInt(2), Tx.nullableLong(rs, "locked_until"),
                        rs.getLong(4)), userId, source.key())
                .filter(known -> known.forgetAt() > now)
                .orElse(SourceState.NONE);
    }
}
