package io.gatehouse.server.totp;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.totp.ThrottleStore.UserRow;
import io.gatehouse.server.user.LockoutReset;
import io.gatehouse.server.user.UserService;
import java.time.Clock;
import java.time.Instant;

/**
 * Ends a lockout early, for the help desk: the person proved who they are some other way. Both levels of
 * {@link Throttle} end: the user's failure window with its count and lock, and every source's run and backoff
 * against the user. Unlocking a person who is not locked changes nothing but is still audited, so that every use of
 * the permission leaves a record ({@code wasLocked} tells the two apart).
 */
public final class TotpUnlock implements LockoutReset {
    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final ThrottleStore store = new ThrottleStore();

    public TotpUnlock(Database database, AuditLog audit, UserService users, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
    }

    /**
     * 1 the user exists (else 404 {@code user_not_found}); its row lock orders this after any check in progress,
     * which every check takes first; 2 the lock as it was is read; 3 the failure window and every source row end;
     * 4 audited as {@code totp.unlock}.
     */
    @Override
    public void unlock(String userId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            users.lock(tx, userId);
            long now = clock.millis();
            UserRow before = store.userRow(tx, userId).orElseThrow();
            boolean userLocked = before.lockedUntil() != null && before.lockedUntil() > now;
            int sourcesLocked = store.lockedSources(tx, userId, now);
            store.clearFailureWindow(tx, userId);
            store.deleteSources(tx, userId);
            audit.append(tx, AuditEvent.of(by.actor(), "totp.unlock", client).user(userId)
                    .detail("wasLocked", userLocked || sourcesLocked > 0)
                    .detail("failuresInWindow", before.failures())
                    .detail("lockedUntil", userLocked ? Instant.ofEpochMilli(before.lockedUntil()).toString() : null)
                    .detail("sourcesUnlocked", sourcesLocked).success());
            return null;
        });
    }
}
