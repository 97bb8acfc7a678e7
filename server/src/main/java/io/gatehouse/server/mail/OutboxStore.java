package io.gatehouse.server.mail;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The only class that reads or writes {@code mail_outbox} (migration V26). The content column holds the sealed
 * message; it is set to NULL once the message is sent, failed for good or erased.
 */
final class OutboxStore {
    private OutboxStore() {
    }

    /** A message that is due, with its sealed content. */
    record Due(String id, byte[] content, int attempts) {
    }

    static void insert(Tx tx, String id, String purpose, String referenceId, byte[] sealed, Instant now) {
        tx.update("INSERT INTO mail_outbox (id, purpose, reference_id, content, state, attempts, next_attempt_at,"
                + " created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)", id, purpose, referenceId, sealed,
                now.toEpochMilli(), now.toEpochMilli());
    }

    /** Pending messages due at {@code now} whose lease (if any) has run out, oldest first. */
    static List<String> due(ReadTx tx, Instant now, int limit) {
        long at = now.toEpochMilli();
        return tx.query("SELECT id FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until"
                + " IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?", rs -> rs.getString(1), at, at,
                limit);
    }

    /**
     * Takes a due message for one send until {@code leaseUntil}: a conditional UPDATE, so that of two senders (two
     * nodes) only one gets it. Empty when another sender took it, or it is no longer pending.
     */
    static Optional<Due> claim(Tx tx, String id, Instant now, Instant leaseUntil) {
        long at = now.toEpochMilli();
        int taken = tx.update("UPDATE mail_outbox SET lease_until = ? WHERE id = ? AND state = 'pending' AND"
                + " next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) AND content IS NOT NULL",
                leaseUntil.toEpochMilli(), id, at, at);
        if (taken == 0) {
            return Optional.empty();
        }
        return tx.queryOne("SELECT id, content, attempts FROM mail_outbox WHERE id = ?", rs -> new Due(rs.getString(1),
                rs.getBytes(2), rs.getInt(3)), id);
    }

    static void sent(Tx tx, String id, int attempts, Instant now) {
        tx.update("UPDATE mail_outbox SET state = 'sent', content = NULL, attempts = ?, sent_at = ?, lease_until ="
                + " NULL, last_error = NULL WHERE id = ?", attempts, now.toEpochMilli(), id);
    }

    static void retryLater(Tx tx, String id, int attempts, String error, Instant nextAttemptAt) {
        tx.update("UPDATE mail_outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE"
                + " id = ? AND state = 'pending'", attempts, error, nextAttemptAt.toEpochMilli(), id);
    }

    static void failed(Tx tx, String id, int attempts, String error) {
        tx.update("UPDATE mail_outbox SET state = 'failed', content = NULL, attempts = ?, last_error = ?, lease_until"
                + " = NULL WHERE id = ?", attempts, error, id);
    }

    /**
     * Deletes the content of every message about {@code referenceId}; a pending one fails for good, its subject's
     * data being gone. Returns the messages changed.
     */
    static int eraseContent(Tx tx, String purpose, String referenceId, String reason) {
        int failed = tx.update("UPDATE mail_outbox SET state = 'failed', content = NULL, last_error = ?, lease_until ="
                + " NULL WHERE purpose = ? AND reference_id = ? AND state = 'pending'", reason, purpose, referenceId);
        return failed + tx.update("UPDATE mail_outbox SET content = NULL WHERE purpose = ? AND reference_id = ? AND"
                + " content IS NOT NULL", purpose, referenceId);
    }

    static Optional<Delivery> delivery(ReadTx tx, String id) {
        return tx.queryOne("SELECT id, state, attempts, last_error, created_at, next_attempt_at, sent_at FROM"
                + " mail_outbox WHERE id = ?", rs -> {
                    Delivery.State state = Delivery.State.parse(rs.getString("state"));
                    Long sentAt = Tx.nullableLong(rs, "sent_at");
                    return new Delivery(rs.getString("id"), state, rs.getInt("attempts"),
                            Optional.ofNullable(rs.getString("last_error")),
                            Instant.ofEpochMilli(rs.getLong("created_at")), state == Delivery.State.PENDING
                            ? Optional.of(Instant.ofEpochMilli(rs.getLong("next_attempt_at"))) : Optional.empty(),
                            Optional.ofNullable(sentAt).map(Instant::ofEpochMilli));
                }, id);
    }
}
