package io.gatehouse.server.totp;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the throttles ({@link Throttle}, {@link RejectionWindows}): the failure-window columns of the user row,
 * {@code totp_source_throttle} and {@code totp_rejection_windows}. Every method but the sweeps' first reads runs
 * under the user row's lock, which {@link #lockUser} takes.
 */
final class ThrottleStore {
    private static final String WINDOW_SELECT = "SELECT w.user_id, w.action, w.reason, w.window_start,"
            + " w.window_ends, w.repeats, w.actor, w.client_address, w.user_agent FROM totp_rejection_windows w"
            + " WHERE w.user_id = ?";

    /** The user's status and failure window, read under the row lock. */
    record UserRow(String userId, String username, String status, int failures, Long windowEnds, Long lockedUntil) {
    }

    /**
     * One source's run of failures against one user; {@code stored} tells whether a row exists (it may be past
     * {@code forgetAt} and not yet swept).
     */
    record SourceRow(boolean stored, int failures, int locks, Long lockedUntil, long forgetAt) {
        static final SourceRow NONE = new SourceRow(false, 0, 0, null, 0);

        /** What counts: a row past its {@code forgetAt} is as good as absent. */
        SourceRow at(long now) {
            return forgetAt > now ? this : new SourceRow(stored, 0, 0, null, 0);
        }
    }

    /** An open or ended window of rejections that consume no guess. */
    record Window(String userId, String action, String reason, long start, long ends, int repeats,
            String actor, String clientAddress, String userAgent) {
    }

    /** Locks the user row of the case-folded {@code usernameKey}; empty when no user has it. */
    /** The same lock, as the first statement of a batch that reads what the check needs after it. */
    Tx.Result<Optional<UserRow>> lockUser(Tx.Batch batch, Dialect dialect, String usernameKey) {
        return batch.query("SELECT id, username, status, failed_attempts, failure_window_ends, locked_until"
                + " FROM users WHERE username_key = ?" + dialect.forUpdate(), ThrottleStore::userRow, usernameKey)
                .map(rows -> rows.stream().findFirst());
    }

    private static UserRow userRow(ResultSet rs) throws SQLException {
        return new UserRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), nullableLong(rs, 5),
                nullableLong(rs, 6));
    }

    void lockUserById(Tx tx, String userId) {
        tx.queryOne("SELECT id FROM users WHERE id = ?" + tx.dialect().forUpdate(), rs -> rs.getString(1), userId);
    }

    /** The user's failure count and lock as stored, read under the row lock; empty for an unknown user. */
    Optional<UserRow> userRow(Tx tx, String userId) {
        return tx.queryOne("SELECT id, username, status, failed_attempts, failure_window_ends, locked_until"
                + " FROM users WHERE id = ?", ThrottleStore::userRow, userId);
    }

    /** How many sources are locked out of the user at {@code now}. */
    int lockedSources(ReadTx tx, String userId, long now) {
        return (int) tx.queryLong("SELECT COUNT(*) FROM totp_source_throttle WHERE user_id = ? AND locked_until > ?"
                + " AND forget_at > ?", userId, now, now);
    }

    /** Forgets every source's run of failures and lock against the user; returns how many rows there were. */
    int deleteSources(Tx tx, String userId) {
        return tx.update("DELETE FROM totp_source_throttle WHERE user_id = ?", userId);
    }

    /** Deletes the user's rejection windows, open or ended; returns how many. */
    int deleteWindows(Tx tx, String userId) {
        return tx.update("DELETE FROM totp_rejection_windows WHERE user_id = ?", userId);
    }

    void clearFailureWindow(Tx tx, String userId) {
        tx.update("UPDATE users SET failed_attempts = 0, failure_window_ends = NULL, locked_until = NULL"
                + " WHERE id = ?", userId);
    }

    /** Ends the user's lock and failure count, as a newly activated credential does; the window end stays. */
    void clearLock(Tx tx, String userId) {
        tx.update("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?", userId);
    }

    void saveFailureWindow(Tx.Batch batch, String userId, int failures, long windowEnds, Long lockedUntil) {
        batch.update("UPDATE users SET failed_attempts = ?, failure_window_ends = ?, locked_until = ? WHERE id = ?",
                failures, windowEnds, lockedUntil, userId);
    }

    void saveSource(Tx.Batch batch, String userId, Source source, int failures, int locks, Long lockedUntil,
            long forgetAt) {
        batch.update("INSERT INTO totp_source_throttle (user_id, source, failures, locks, locked_until, forget_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, source) DO UPDATE SET failures = excluded.failures,"
                + " locks = excluded.locks, locked_until = excluded.locked_until, forget_at = excluded.forget_at",
                userId, source.key(), failures, locks, lockedUntil, forgetAt);
    }

    void deleteSource(Tx.Batch batch, String userId, Source source) {
        batch.update("DELETE FROM totp_source_throttle WHERE user_id = ? AND source = ?", userId, source.key());
    }

    int forgetSourcesQuietBefore(Tx tx, long now) {
        return tx.update("DELETE FROM totp_source_throttle WHERE forget_at <= ?", now);
    }

    /**
     * The source row from the five columns {@code user_id, failures, locks, locked_until, forget_at} starting at
     * {@code first}, as a LEFT JOIN returns them; {@link SourceRow#NONE} when the join found no row.
     */
    static SourceRow sourceRow(ResultSet rs, int first) throws SQLException {
        if (rs.getString(first) == null) {
            return SourceRow.NONE;
        }
        return new SourceRow(true, rs.getInt(first + 1), rs.getInt(first + 2), nullableLong(rs, first + 3),
                rs.getLong(first + 4));
    }

    Optional<Window> window(ReadTx tx, String userId, String action, String reason) {
        return tx.queryOne(WINDOW_SELECT + " AND w.action = ? AND w.reason = ?", ThrottleStore::window, userId,
                action, reason);
    }

    List<Window> endedWindows(ReadTx tx, String userId, long now) {
        return tx.query(WINDOW_SELECT + " AND w.window_ends <= ?", ThrottleStore::window, userId, now);
    }

    List<String> usersWithEndedWindows(ReadTx tx, long now, int limit) {
        return tx.query("SELECT DISTINCT user_id FROM totp_rejection_windows WHERE window_ends <= ?"
                + " ORDER BY user_id LIMIT " + limit, rs -> rs.getString(1), now);
    }

    void countRepeat(Tx tx, String userId, String action, String reason, String actor, ClientInfo client) {
        tx.update("UPDATE totp_rejection_windows SET repeats = repeats + 1, actor = ?, client_address = ?,"
                + " user_agent = ? WHERE user_id = ? AND action = ? AND reason = ?", actor, client.address(),
                client.userAgent(), userId, action, reason);
    }

    void openWindow(Tx tx, String userId, String action, String reason, long start, long ends, String actor,
            ClientInfo client) {
        tx.update("INSERT INTO totp_rejection_windows (user_id, action, reason, window_start, window_ends, repeats,"
                + " actor, client_address, user_agent) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)", userId, action, reason,
                start, ends, actor, client.address(), client.userAgent());
    }

    void deleteWindow(Tx tx, Window window) {
        tx.update("DELETE FROM totp_rejection_windows WHERE user_id = ? AND action = ? AND reason = ?",
                window.userId(), window.action(), window.reason());
    }

    private static Window window(ResultSet rs) throws SQLException {
        return new Window(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
