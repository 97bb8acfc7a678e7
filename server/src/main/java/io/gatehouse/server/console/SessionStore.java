package io.gatehouse.server.console;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.List;
import java.util.Optional;

/** The table {@code console_sessions} (migration V16). */
final class SessionStore {
    private static final String COLUMNS = "id, secret_hash, user_id, method, created_at, last_seen_at, expires_at,"
            + " verified_at, client_address, user_agent";

    private SessionStore() {
    }

    /** A session that has not been ended; whether it timed out is for {@link ConsoleSessions} to decide. */
    record Stored(String id, byte[] secretHash, String userId, String method, long createdAt, long lastSeenAt,
            long expiresAt, long verifiedAt, String clientAddress, String userAgent) {
    }

    static void insert(Tx tx, Stored session) {
        tx.update("INSERT INTO console_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                session.id(), session.secretHash(), session.userId(), session.method(), session.createdAt(),
                session.lastSeenAt(), session.expiresAt(), session.verifiedAt(), session.clientAddress(),
                session.userAgent());
    }

    static Optional<Stored> findOpen(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM console_sessions WHERE id = ? AND ended_at IS NULL",
                SessionStore::map, id);
    }

    static List<Stored> openOfUser(ReadTx tx, String userId) {
        return tx.query("SELECT " + COLUMNS + " FROM console_sessions WHERE user_id = ? AND ended_at IS NULL"
                + " ORDER BY created_at DESC", SessionStore::map, userId);
    }

    static void touch(Tx tx, String id, long now) {
        tx.update("UPDATE console_sessions SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL", now, id);
    }

    static void verified(Tx tx, String id, long now) {
        tx.update("UPDATE console_sessions SET verified_at = ?, last_seen_at = ? WHERE id = ? AND ended_at IS NULL",
                now, now, id);
    }

    /** Ends one open session; false when it was not open. */
    static boolean end(Tx tx, String id, String reason, long now) {
        return tx.update("UPDATE console_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
                now, reason, id) == 1;
    }

    /** Ends every open session of a user; the number ended. */
    static int endAllOfUser(Tx tx, String userId, String reason, long now) {
        return tx.update("UPDATE console_sessions SET ended_at = ?, end_reason = ? WHERE user_id = ?"
                + " AND ended_at IS NULL", now, reason, userId);
    }

    /** Removes every session of a user, open or ended: their addresses and user agents are personal data. */
    static int deleteAllOfUser(Tx tx, String userId) {
        return tx.update("DELETE FROM console_sessions WHERE user_id = ?", userId);
    }

    /** Removes sessions that ended (or timed out) before {@code before}; the audit log keeps their story. */
    static int deleteEndedBefore(Tx tx, long before) {
        return tx.update("DELETE FROM console_sessions WHERE (ended_at IS NOT NULL AND ended_at < ?)"
                + " OR expires_at < ?", before, before);
    }

    private static Stored map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10));
    }
}
