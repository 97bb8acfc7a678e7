package io.gatehouse.server.totp;

import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.totp.ThrottleStore.SourceRow;
import io.gatehouse.server.totp.ThrottleStore.UserRow;
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

    private final ThrottleStore store;
    private final Clock clock;
    private final Lockout settings;

    Throttle(ThrottleStore store, Clock clock, Lockout settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
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

    /** Locks the user row; empty when no user has that name (compared by its case-folded key, see {@link Username}). */
    /** Adds the lock of the user's row to {@code batch}, as its first statement. */
    Tx.Result<Optional<UserRow>> lock(Tx.Batch batch, Dialect dialect, String usernameKey) {
        return store.lockUser(batch, dialect, usernameKey);
    }

    /**
     * The lock that refuses this check, the longer one when both do; empty when the check may go on (an ended
     * failure window is then cleared).
     */
    Optional<Refusal> refusal(Tx tx, UserRow user, SourceRow stored) {
        long now = clock.millis();
        Long sourceLock = stored.at(now).lockedUntil();
        long sourceUntil = sourceLock == null ? 0 : sourceLock;
        long userUntil = user.lockedUntil() == null ? 0 : user.lockedUntil();
        long until = Math.max(sourceUntil, userUntil);
        if (until > now) {
            return Optional.of(new Refusal(sourceUntil >= userUntil ? SCOPE_SOURCE : SCOPE_USER,
                    Math.max(1, (until - now + 999) / 1000)));
        }
        boolean windowEnded = user.windowEnds() == null || user.windowEnds() <= now;
        if (windowEnded && (user.failures() != 0 || user.windowEnds() != null || user.lockedUntil() != null)) {
            store.clearFailureWindow(tx, user.userId());
        }
        return Optional.empty();
    }

    /** Counts one failure against the user's window and against the source, whose row was {@code stored}. */
    Failure fail(Tx.Batch writes, UserRow user, Source source, SourceRow stored) {
        long now = clock.millis();
        boolean windowOpen = user.windowEnds() != null && user.windowEnds() > now;
        int failures = windowOpen ? user.failures() + 1 : 1;
        long windowEnds = windowOpen ? user.windowEnds() : now + settings.window().toMillis();
        boolean userLocked = failures >= settings.threshold();
        store.saveFailureWindow(writes, user.userId(), failures, windowEnds, userLocked ? windowEnds : null);

        SourceRow before = stored.at(now);
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
        store.saveSource(writes, user.userId(), source, inRow, locks, lockedUntil, forgetAt);
        return new Failure(sourceLocked, userLocked);
    }

    /**
     * A success proves the source holds the factor: its run and backoff end. The user's window stays. A source
     * without a row has nothing to end, which spares the common success a statement.
     */
    /** Adds to the decision's write batch what a success changes: the source's run of failures ends. */
    void succeed(Tx.Batch writes, UserRow user, Source source, SourceRow stored) {
        if (stored.stored()) {
            store.deleteSource(writes, user.userId(), source);
        }
    }

    /** Deletes the rows of sources quiet for long enough; returns how many. */
    int forgetQuietSources(Tx tx) {
        return store.forgetSourcesQuietBefore(tx, clock.millis());
    }
}
