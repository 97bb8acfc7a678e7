package io.gatehouse.server.totp;

import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SQL of the second factors themselves: {@code totp_credentials} and {@code recovery_codes}, and the one read
 * each verification makes after it has locked its user row.
 *
 * <p>That read takes the credential (or the recovery codes) together with the source's throttle row in one
 * statement, joined to the user row so that one row comes back whether either exists or not. It must be a statement
 * of its own, after the lock: under PostgreSQL's read committed a statement sees the rows committed when it started,
 * so had these rows been joined into the locking statement, a check that waited for the lock would see the source
 * row as it was before the check it waited for, and two concurrent failures of one source would count as one.
 */
final class TotpStore {
    private static final String SOURCE_COLUMNS = "s.user_id, s.failures, s.locks, s.locked_until, s.forget_at";

    /** An active credential as stored. */
    record Credential(String id, byte[] secretCiphertext, TotpParameters parameters, Long lastUsedStep) {
    }

    /** What a TOTP check needs once its user is locked: the active credential, if any, and the source's row. */
    record TotpRead(Optional<Credential> credential, ThrottleStore.SourceRow source) {
    }

    /** One current (not revoked) recovery code as stored: only its keyed hash. */
    record StoredCode(String id, String keyId, byte[] hash, boolean used) {
    }

    /** What a recovery-code check needs once its user is locked: the current codes and the source's row. */
    record RecoveryRead(List<StoredCode> codes, ThrottleStore.SourceRow source) {
        long unused() {
            return codes.stream().filter(code -> !code.used()).count();
        }
    }

    /**
     * Adds to {@code batch} the read of the user's active credential and of the source's throttle row, for the user
     * named by {@code usernameKey}. It must follow the statement that locks the user row in the same batch: each
     * statement of a batch starts after the one before it ended, so this one sees what the last holder of the lock
     * committed (on PostgreSQL a statement that waited for the lock in the same statement would not).
     */
    Tx.Result<TotpRead> totpRead(Tx.Batch batch, String usernameKey, Source source) {
        return batch.query("SELECT c.id, c.secret_ciphertext, c.algorithm, c.digits, c.period_seconds,"
                + " c.last_used_step, " + SOURCE_COLUMNS + " FROM users u"
                + " LEFT JOIN totp_credentials c ON c.user_id = u.id AND c.status = 'active'"
                + " LEFT JOIN totp_source_throttle s ON s.user_id = u.id AND s.source = ?"
                + " WHERE u.username_key = ?",
                rs -> new TotpRead(Optional.ofNullable(credential(rs)), ThrottleStore.sourceRow(rs, 7)),
                source.key(), usernameKey).map(rows -> {
                    if (rows.size() > 1) {
                        throw GatehouseException.corrupt("user " + usernameKey + " has " + rows.size()
                                + " active TOTP credentials", null);
                    }
                    return rows.isEmpty() ? new TotpRead(Optional.empty(), ThrottleStore.SourceRow.NONE)
                            : rows.get(0);
                });
    }

    /** Like {@link #totpRead}: the user's current recovery codes and the source's row, after the lock. */
    Tx.Result<RecoveryRead> recoveryRead(Tx.Batch batch, String usernameKey, Source source) {
        record Joined(StoredCode code, ThrottleStore.SourceRow source) {
        }
        return batch.query("SELECT r.id, r.key_id, r.code_hash, r.used_at, " + SOURCE_COLUMNS
                + " FROM users u LEFT JOIN recovery_codes r ON r.user_id = u.id AND r.revoked_at IS NULL"
                + " LEFT JOIN totp_source_throttle s ON s.user_id = u.id AND s.source = ? WHERE u.username_key = ?",
                rs -> new Joined(rs.getString(1) == null ? null : new StoredCode(rs.getString(1), rs.getString(2),
                        rs.getBytes(3), rs.getObject(4) != null), ThrottleStore.sourceRow(rs, 5)),
                source.key(), usernameKey).map(rows -> new RecoveryRead(
                        rows.stream().map(Joined::code).filter(Objects::nonNull).toList(),
                        rows.isEmpty() ? ThrottleStore.SourceRow.NONE : rows.get(0).source()));
    }

    static boolean hasActiveCredential(ReadTx tx, String userId) {
        return tx.queryLong("SELECT COUNT(*) FROM totp_credentials WHERE user_id = ? AND status = 'active'",
                userId) > 0;
    }

    List<String> activeCredentialIds(ReadTx tx, String userId) {
        return tx.query("SELECT id FROM totp_credentials WHERE user_id = ? AND status = 'active'",
                rs -> rs.getString(1), userId);
    }

    /** Ends the user's active credential as {@code status} and erases its seed; returns how many ended. */
    int endActiveCredentials(Tx tx, String userId, String status, long now) {
        return tx.update("UPDATE totp_credentials SET status = ?, secret_ciphertext = NULL, ended_at = ?"
                + " WHERE user_id = ? AND status = 'active'", status, now, userId);
    }

    void insertCredential(Tx tx, String id, String userId, byte[] sealed, TotpParameters parameters,
            long lastUsedStep, long now) {
        tx.update("""
                INSERT INTO totp_credentials (id, user_id, status, secret_ciphertext, algorithm, digits,
                                              period_seconds, last_used_step, created_at)
                VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?)""",
                id, userId, sealed, parameters.algorithm().name(), parameters.digits(), parameters.periodSeconds(),
                lastUsedStep, now);
    }

    /**
     * Compare-and-set of the last accepted time step: true only when {@code step} is later than the stored one and
     * the credential is still active, so that a step is accepted at most once even by checks that raced.
     */
    /** The compare-and-set of the last used step, as a statement of the decision's write batch. */
    Tx.Result<Integer> advanceLastUsedStep(Tx.Batch batch, String credentialId, long step) {
        return batch.update("UPDATE totp_credentials SET last_used_step = ? WHERE id = ? AND status = 'active'"
                + " AND (last_used_step IS NULL OR last_used_step < ?)", step, credentialId, step);
    }

    void insertRecoveryCode(Tx tx, String id, String userId, String keyId, byte[] hash, long now) {
        tx.update("INSERT INTO recovery_codes (id, user_id, key_id, code_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                id, userId, keyId, hash, now);
    }

    void revokeRecoveryCodes(Tx tx, String userId, long now) {
        tx.update("UPDATE recovery_codes SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, userId);
    }

    /** Marks a code used if it is still unused: the compare-and-set that makes each code single-use. */
    /** The single use of a recovery code, as a statement of the decision's write batch. */
    Tx.Result<Integer> claimRecoveryCode(Tx.Batch batch, String id, long now) {
        return batch.update("UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", now, id);
    }

    /** Deletes every credential of the user, active or ended, with its seed; returns how many. */
    int deleteCredentials(Tx tx, String userId) {
        return tx.update("DELETE FROM totp_credentials WHERE user_id = ?", userId);
    }

    /** Deletes every recovery code of the user, used or not; returns how many. */
    int deleteRecoveryCodes(Tx tx, String userId) {
        return tx.update("DELETE FROM recovery_codes WHERE user_id = ?", userId);
    }

    static long unusedRecoveryCodes(ReadTx tx, String userId) {
        return tx.queryLong("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND revoked_at IS NULL"
                + " AND used_at IS NULL", userId);
    }

    /** A credential from the first six columns, or null when the join found none. */
    private static Credential credential(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        if (id == null) {
            return null;
        }
        long lastUsed = rs.getLong(6);
        return new Credential(id, rs.getBytes(2), parameters(rs, 3, "totp_credentials " + id),
                lastUsed == 0 && rs.wasNull() ? null : lastUsed);
    }

    /** Algorithm, digits and period from three columns starting at {@code first}. */
    static TotpParameters parameters(ResultSet rs, int first, String row) throws SQLException {
        String algorithm = rs.getString(first);
        try {
            return new TotpParameters(OtpAlgorithm.valueOf(algorithm), rs.getInt(first + 1), rs.getInt(first + 2));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GatehouseException.corrupt(row + " has unreadable TOTP parameters (" + algorithm + ", "
                    + rs.getInt(first + 1) + " digits, " + rs.getInt(first + 2) + " s)", e);
        }
    }
}
