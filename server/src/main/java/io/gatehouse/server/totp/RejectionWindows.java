package io.gatehouse.server.totp;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.totp.ThrottleStore.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Bounded audit of the rejections that consume no guess ({@code locked}, {@code suspended}, {@code not_enrolled},
 * {@code replayed}), which an attacker can otherwise send as fast as the server answers. Per user, action and
 * reason there is at most one open window of {@link #WINDOW}: the rejection that opens it is audited as it happens;
 * the repeats inside it are only counted, and one {@code <action>.throttled} record with their number closes it,
 * written by the next such rejection after the window ended or by the background sweep. Every other outcome is
 * audited one by one as before: a counted failure is bounded by the guess budget, and a success by the codes.
 *
 * <p>So a user costs at most two records per action, reason and window, however many requests arrive from however
 * many sources; unknown usernames cost nothing. Windows are read and written under the user-row lock.
 */
final class RejectionWindows {
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int SWEEP_BATCH = 500;

    private final ThrottleStore store;
    private final AuditLog audit;
    private final Clock clock;

    RejectionWindows(ThrottleStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Called with the user row locked, for a rejection that consumes no guess. True when it opens a window and must
     * be audited now; false when it was counted as a repeat.
     */
    boolean opensWindow(Tx tx, String userId, String action, String reason, String actor, ClientInfo client) {
        long now = clock.millis();
        Optional<Window> open = store.window(tx, userId, action, reason);
        if (open.isPresent() && open.get().ends() > now) {
            store.countRepeat(tx, userId, action, reason, actor, client);
            return false;
        }
        open.ifPresent(ended -> close(tx, ended));
        store.openWindow(tx, userId, action, reason, now, now + WINDOW.toMillis(), actor, client);
        return true;
    }

    /** Closes every window that has ended, one batch; returns how many summary records it wrote. */
    int closeEnded(Tx tx) {
        int written = 0;
        for (String userId : store.usersWithEndedWindows(tx, clock.millis(), SWEEP_BATCH)) {
            // The same lock order as a check: the user row, then its windows.
            store.lockUserById(tx, userId);
            for (Window window : store.endedWindows(tx, userId, clock.millis())) {
                written += close(tx, window) ? 1 : 0;
            }
        }
        return written;
    }

    /** Deletes the window and, when it counted repeats, writes their summary; true when it wrote one. */
    private boolean close(Tx tx, Window window) {
        store.deleteWindow(tx, window);
        if (window.repeats() == 0) {
            return false;
        }
        audit.append(tx, AuditEvent.of(window.actor(), window.action() + ".throttled",
                        new ClientInfo(window.clientAddress(), window.userAgent()))
                .user(window.userId()).reason(window.reason())
                .detail("repeats", window.repeats())
                .detail("windowStart", Instant.ofEpochMilli(window.start()).toString())
                .detail("windowEnd", Instant.ofEpochMilli(window.ends()).toString())
                .result("rejected"));
        return true;
    }
}
