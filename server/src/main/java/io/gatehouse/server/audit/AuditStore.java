package io.gatehouse.server.audit;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The tables of the audit log: {@code audit_log} and its one-row {@code audit_chain_head}. */
final class AuditStore {
    private AuditStore() {
    }

    /** Records matching {@code filter} with ids below {@code before}, newest first, {@code limit} at most. */
    static List<StoredRecord> newestFirst(ReadTx tx, AuditFilter filter, long before, int limit) {
        StringBuilder where = new StringBuilder(" WHERE id < ?");
        List<Object> args = new ArrayList<>(List.of(before));
        filter.appendTo(where, args);
        args.add(limit);
        return tx.query(StoredRecord.SELECT + where + " ORDER BY id DESC LIMIT ?", StoredRecord::from,
                args.toArray());
    }

    /** Records matching {@code filter} with ids above {@code after}, oldest first: a live feed resuming. */
    static List<StoredRecord> oldestFirst(ReadTx tx, AuditFilter filter, long after, int limit) {
        StringBuilder where = new StringBuilder(" WHERE id > ?");
        List<Object> args = new ArrayList<>(List.of(after));
        filter.appendTo(where, args);
        args.add(limit);
        return tx.query(StoredRecord.SELECT + where + " ORDER BY id LIMIT ?", StoredRecord::from, args.toArray());
    }

    /** The record stored under {@code eventId}, which is unique. */
    static Optional<StoredRecord> byEventId(ReadTx tx, String eventId) {
        return tx.queryOne(StoredRecord.SELECT + " WHERE event_id = ?", StoredRecord::from, eventId);
    }

    /** A record about to be written: the event, its id and time, and its content MAC under {@code keyId}. */
    record NewRecord(String eventId, long createdAt, AuditEvent event, String details, String keyId,
            byte[] contentMac) {
        private Object[] arguments() {
            return new Object[] {eventId, createdAt, event.actor(), event.action(), event.subjectUser(),
                event.subject(), event.result(), event.reason(), event.client().address(),
                event.client().userAgent(), details, keyId, contentMac};
        }
    }

    private static final String INSERT = """
            INSERT INTO audit_log (event_id, created_at, actor, action, subject_user, subject, result, reason,
                                   client_address, user_agent, details, key_id, content_mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    static long insert(Tx tx, NewRecord record) {
        return tx.insertReturningId(INSERT, record.arguments());
    }

    /** The same insert as one statement of a batch that a decision sends in one round trip; it answers the row id. */
    static Tx.Result<Long> insert(Tx.Batch batch, NewRecord record) {
        return batch.query(INSERT + " RETURNING id", rs -> rs.getLong(1), record.arguments()).map(ids -> ids.get(0));
    }

    static Optional<AuditLog.ChainHead> head(ReadTx tx) {
        return tx.queryOne("SELECT chain_seq, chain_mac FROM audit_chain_head WHERE id = 1",
                rs -> new AuditLog.ChainHead(rs.getLong(1), rs.getBytes(2)));
    }

    /** The head, locked until the transaction ends: sealing passes run one at a time. */
    static Optional<AuditLog.ChainHead> lockHead(Tx tx) {
        return tx.queryOne("SELECT chain_seq, chain_mac FROM audit_chain_head WHERE id = 1"
                + tx.dialect().forUpdate(), rs -> new AuditLog.ChainHead(rs.getLong(1), rs.getBytes(2)));
    }

    static void moveHead(Tx tx, long seq, byte[] mac) {
        tx.update("UPDATE audit_chain_head SET chain_seq = ?, chain_mac = ? WHERE id = 1", seq, mac);
    }

    /** The chain MAC of the record at chain position {@code seq}, if one is there. */
    static Optional<byte[]> chainMacAt(ReadTx tx, long seq) {
        return tx.queryOne("SELECT chain_mac FROM audit_log WHERE chain_seq = ?", rs -> rs.getBytes(1), seq);
    }

    /** Linked records after chain position {@code afterSeq}, in chain order. */
    static List<StoredRecord> linkedAfter(ReadTx tx, long afterSeq, int limit) {
        return tx.query(StoredRecord.SELECT + " WHERE chain_seq > ? ORDER BY chain_seq LIMIT " + limit,
                StoredRecord::from, afterSeq);
    }

    /**
     * A person's linked records with one of {@code actions} and {@code result}, created at or after
     * {@code fromMillis} and at or before chain position {@code upTo}, newest first.
     */
    static List<StoredRecord> recentOfUser(ReadTx tx, String userId, java.util.Collection<String> actions,
            String result, long fromMillis, long upTo, int limit) {
        List<Object> args = new ArrayList<>(List.of(userId));
        args.addAll(actions);
        args.addAll(List.of(result, fromMillis, upTo, limit));
        String marks = marks(actions);
        return tx.query(StoredRecord.SELECT + " WHERE subject_user = ? AND action IN (" + marks + ") AND result = ?"
                + " AND created_at >= ? AND chain_seq <= ? ORDER BY id DESC LIMIT ?", StoredRecord::from,
                args.toArray());
    }

    static List<StoredRecord> recent(ReadTx tx, java.util.Collection<String> actions, String result, long fromMillis,
            long upTo, int limit) {
        List<Object> args = new ArrayList<>(actions);
        args.addAll(List.of(result, fromMillis, upTo, limit));
        String marks = marks(actions);
        return tx.query(StoredRecord.SELECT + " WHERE action IN (" + marks + ") AND result = ? AND created_at >= ?"
                + " AND chain_seq <= ? ORDER BY id DESC LIMIT ?", StoredRecord::from, args.toArray());
    }

    /** As {@link #count} with the writer of the records in place of their subject. */
    static long countByActor(ReadTx tx, String action, String result, String actor, long fromMillis, long toMillis,
            long upTo) {
        return tx.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = ? AND created_at >= ? AND created_at < ?"
                + " AND result = ? AND actor = ? AND chain_seq <= ?", action, fromMillis, toMillis, result, actor,
                upTo);
    }

    /** As {@link #firstTime} with the writer of the records in place of their subject. */
    static Optional<Long> firstTimeByActor(ReadTx tx, String action, String actor) {
        return tx.query("SELECT MIN(created_at) FROM audit_log WHERE actor = ? AND action = ?", rs -> {
            long first = rs.getLong(1);
            return rs.wasNull() ? Optional.<Long>empty() : Optional.of(first);
        }, actor, action).stream().flatMap(Optional::stream).findFirst();
    }

    /**
     * A person's distinct client addresses on linked records with one of {@code actions} and one of
     * {@code results}, created at or after {@code fromMillis} and at or before chain position {@code upTo}: each with
     * how many records it is on, and its newest record's id and time; most recently used first.
     */
    static List<AuditTrail.AddressUse> addressesOfUser(ReadTx tx, String userId,
            java.util.Collection<String> actions, java.util.Collection<String> results, long fromMillis, long upTo,
            int limit) {
        List<Object> args = new ArrayList<>(List.of(userId));
        args.addAll(actions);
        args.addAll(results);
        args.addAll(List.of(fromMillis, upTo, limit));
        String actionMarks = marks(actions);
        String resultMarks = marks(results);
        return tx.query("SELECT client_address, COUNT(*), MAX(id), MAX(created_at) FROM audit_log"
                + " WHERE subject_user = ? AND action IN (" + actionMarks + ") AND result IN (" + resultMarks + ")"
                + " AND created_at >= ? AND chain_seq <= ? AND client_address IS NOT NULL"
                + " GROUP BY client_address ORDER BY MAX(id) DESC LIMIT ?",
                rs -> new AuditTrail.AddressUse(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                args.toArray());
    }

    /**
     * How many linked records of {@code action} with {@code result} about {@code subject} were created in
     * {@code [fromMillis, toMillis)} and lie at or before chain position {@code upTo}.
     */
    static long count(ReadTx tx, String action, String result, String subject, long fromMillis, long toMillis,
            long upTo) {
        return tx.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = ? AND created_at >= ? AND created_at < ?"
                + " AND result = ? AND subject = ? AND chain_seq <= ?", action, fromMillis, toMillis, result, subject,
                upTo);
    }

    /** When the first record of {@code action} about {@code subject} was written (by row id: the oldest). */
    static Optional<Long> firstTime(ReadTx tx, String action, String subject) {
        return tx.queryOne("SELECT created_at FROM audit_log WHERE subject = ? AND action = ? ORDER BY id LIMIT 1",
                rs -> rs.getLong(1), subject, action);
    }

    /** Records not linked yet, after row id {@code afterId}, in id order. */
    static List<StoredRecord> unlinkedAfter(ReadTx tx, long afterId, int limit) {
        return tx.query(StoredRecord.SELECT + " WHERE chain_seq IS NULL AND id > ? ORDER BY id LIMIT " + limit,
                StoredRecord::from, afterId);
    }

    static List<StoredRecord> allUnlinked(ReadTx tx) {
        return tx.query(StoredRecord.SELECT + " WHERE chain_seq IS NULL ORDER BY id", StoredRecord::from);
    }

    static void link(Tx tx, long id, long seq, byte[] chainMac) {
        tx.update("UPDATE audit_log SET chain_seq = ?, chain_mac = ? WHERE id = ? AND chain_seq IS NULL", seq,
                chainMac, id);
    }

    /** One {@code ?} per value, comma-separated, for {@code IN (…)}. */
    private static String marks(java.util.Collection<?> values) {
        return String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    }
}
