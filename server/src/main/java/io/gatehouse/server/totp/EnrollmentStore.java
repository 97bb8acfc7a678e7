package io.gatehouse.server.totp;

import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of {@code totp_enrollments}: pending links and how they end. Ending a link always erases its sealed seed in
 * the same statement, so no ended link keeps one.
 */
final class EnrollmentStore {
    private static final String COLUMNS = "id, user_id, status, secret_ciphertext, algorithm, digits, period_seconds,"
            + " expires_at";

    /** An enrollment as stored; {@code sealed} is null once the link has ended. */
    record Enrollment(String id, String userId, String status, byte[] sealed, TotpParameters parameters,
            long expiresAt) {
        boolean pending() {
            return "pending".equals(status);
        }
    }

    /** A pending link whose time is up. */
    record Due(String id, String userId) {
    }

    void insert(Tx tx, String id, byte[] tokenHash, String userId, byte[] sealed, TotpParameters parameters,
            String createdBy, long now, long expiresAt) {
        tx.update("""
                INSERT INTO totp_enrollments (id, token_hash, user_id, status, secret_ciphertext, algorithm, digits,
                                              period_seconds, created_by, created_at, expires_at)
                VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)""",
                id, tokenHash, userId, sealed, parameters.algorithm().name(), parameters.digits(),
                parameters.periodSeconds(), createdBy, now, expiresAt);
    }

    Optional<Enrollment> byTokenHash(ReadTx tx, byte[] tokenHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM totp_enrollments WHERE token_hash = ?",
                rs -> new Enrollment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                        TotpStore.parameters(rs, 5, "totp_enrollments " + rs.getString(1)), rs.getLong(8)),
                tokenHash);
    }

    /** A link's status and expiry, looked up by its id. */
    record Status(String userId, String status, long expiresAt) {
    }

    Optional<Status> status(ReadTx tx, String id) {
        return tx.queryOne("SELECT user_id, status, expires_at FROM totp_enrollments WHERE id = ?",
                rs -> new Status(rs.getString(1), rs.getString(2), rs.getLong(3)), id);
    }

    /** Ends one link if it is still pending; false when something else ended it first. */
    boolean end(Tx tx, String id, String status, long now) {
        return tx.update("UPDATE totp_enrollments SET status = ?, secret_ciphertext = NULL, ended_at = ?"
                + " WHERE id = ? AND status = 'pending'", status, now, id) > 0;
    }

    /** Ends every pending link of the user; returns how many. */
    int endAllPending(Tx tx, String userId, String status, long now) {
        return tx.update("UPDATE totp_enrollments SET status = ?, secret_ciphertext = NULL, ended_at = ?"
                + " WHERE user_id = ? AND status = 'pending'", status, now, userId);
    }

    /** Deletes every enrollment link of the user, pending or ended; returns how many. */
    int deleteAll(Tx tx, String userId) {
        return tx.update("DELETE FROM totp_enrollments WHERE user_id = ?", userId);
    }

    List<Due> due(ReadTx tx, long now) {
        return tx.query("SELECT id, user_id FROM totp_enrollments WHERE status = 'pending' AND expires_at <= ?",
                rs -> new Due(rs.getString(1), rs.getString(2)), now);
    }

    static boolean hasPending(ReadTx tx, String userId) {
        return tx.queryLong("SELECT COUNT(*) FROM totp_enrollments WHERE user_id = ? AND status = 'pending'",
                userId) > 0;
    }
}
