package io.gatehouse.server.totp;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private static final String WINDOW_SELECT = "SELECT w.user_id, u.username, w.action, w.reason, w.window_start,"
            + " w.window_ends, w.repeats, w.actor, w.client_address, w.user_agent FROM totp_rejection_windows w"
            + " JOIN users u ON u.id = w.user_id WHERE w.user_id = ?";

    private final AuditLog audit;
    private final Clock clock;

    RejectionWindows(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    private record Window(String userId, String username, String action, String reason, long start, long ends,
            int repeats, String actor, String clientAddress, String userAgent) {
    }

    /**
     * Called with the user row locked, for a rejection that consumes no guess. True when it opens a window and must
     * be audited now; false when it was counted as a repeat.
     */
    boolean opensWindow(Tx tx, String userId, String action, String reason, String actor, ClientInfo client) {
        long now = clock.millis();
        Optional<Window> open = find(tx, userId, action, reason);
        if (open.isPresent() && open.get().ends() > now) {
            tx.update("UPDATE totp_rejection_windows SET repeats = repeats + 1, actor = ?, client_address = ?,"
                    + " user_agent = ? WHERE user_id = ? AND action = ? AND reason = ?", actor, client.address(),
                    client.userAgent(), userId, action, reason);
            return false;
        }
        open.ifPresent(ended -> close(tx, ended));
        tx.update("INSERT INTO totp_rejection_windows (user_id, action, reason, window_start, window_ends, repeats,"
                + " actor, client_address, user_agent) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)", userId, action, reason,
                now, now + WINDOW.toMillis(), actor, client.address(), client.userAgent());
        return true;
    }

    /** Closes every window that has ended, one batch; returns how many summary records it wrote. */
    int closeEnded(Tx tx) {
        List<String> users = tx.query("SELECT DISTINCT user_id FROM totp_rejection_windows WHERE window_ends <= ?"
                + " ORDER BY user_id LIMIT " + SWEEP_BATCH, rs -> rs.getString(1), clock.millis());
        int written = 0;
        for (String userId : users) {
            // The same lock order as a check: the user row, then its windows.
            tx.queryOne("SELECT id FROM users WHERE id = ?" + tx.dialect().forUpdate(), rs -> rs.getString(1), userId);
            List<Window> ended = tx.query(WINDOW_SELECT + " AND w.window_ends <= ?", RejectionWindows::window, userId,
                    clock.millis());
            for (Window window : ended) {
                written += close(tx, window) ? 1 : 0;
            }
        }
        return written;
    }

    private Optional<Window> find(ReadTx tx, String userId, String action, String reason) {
        return tx.queryOne(WINDOW_SELECT + " AND w.action = ? AND w.reason = ?", RejectionWindows::window, userId,
                action, reason);
    }

    private static Window window(ResultSet rs) throws SQLException {
        return new Window(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getInt(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }

    /** Deletes the window and, when it counted repeats, writes their summary; true when it wrote one. */
    private boolean close(Tx tx, Window window) {
        tx.update("DELETE FROM totp_rejection_windows WHERE user_id = ? AND action = ? AND reason = ?",
                window.userId(), window.action(), window.reason());
        if (window.repeats() == 0) {
            return false;
        }
        audit.append(tx, AuditEvent.of(window.actor(), window.action() + ".throttled",
                        new ClientInfo(window.clientAddress(), window.userAgent()))
                .user(window.userId()).subject("user:" + window.username()).reason(window.reason())
                .detail("repeats", window.repeats())
                .detail("windowStart", Instant.ofEpochMilli(window.start()).toString())
                .detail("windowEnd", Instant.ofEpochMilli(window.ends()).toString())
                .result("rejected"));
        return true;
    }
}
