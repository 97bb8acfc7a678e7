package io.gatehouse.server.access;

import io.gatehouse.server.alert.ReaderOffline;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The only class that reads or writes {@code readers}, {@code reader_provisioning} and {@code reader_events}: the
 * admin side here, provisioning, bundles and event upload in the {@code reader} package.
 */
public final class ReaderStore {
    /**
     * The columns of a reader's credential, {@code readers} named {@code rd}, under labels that no joined table's
     * columns share; read by {@link #credential(ResultSet)}.
     */
    static final String CREDENTIAL_COLUMNS = "rd.id AS reader_id, rd.door_id AS reader_door_id, rd.name AS"
            + " reader_name, rd.status AS reader_status, rd.secret_hash AS reader_secret_hash, rd.generation AS"
            + " reader_generation";

    private static final String CREDENTIAL = "SELECT " + CREDENTIAL_COLUMNS + " FROM readers rd WHERE rd.id = ?";

    private ReaderStore() {
    }

    /** A reader's credential as stored; {@code secretHash} is the SHA-256 of its secret. */
    record StoredCredential(String id, String doorId, String name, boolean active, byte[] secretHash,
            int generation) {
    }

    /**
     * A reader's row with what its status is derived from ({@link ReaderHealth}); times are epoch milliseconds, null
     * when it never happened (or happened before the server recorded it).
     */
    record Stored(String id, String doorId, String name, String status, int generation, Long lastSeenAt,
            long bundleVersion, Long bundleFetchedAt, Long bundleRevision, Long pendingEvents, long eventSeq,
            long doorRevision, int maxBundleAgeSeconds) {
    }

    /** What a list of readers is narrowed to; {@code status} is a stored or a derived one ({@link ReaderHealth}). */
    public record ReaderFilter(Optional<String> doorId, Optional<String> status) {
    }

    private static final String STORED = """
            SELECT r.id, r.door_id, r.name, r.status, r.generation, r.last_seen_at, r.bundle_version,
                   r.bundle_fetched_at, r.bundle_revision, r.pending_events, r.event_seq,
                   d.revision AS door_revision, d.max_bundle_age_seconds
            FROM readers r JOIN doors d ON d.id = r.door_id""";

    /** A provisioning token as stored. */
    public record Provisioning(String id, String readerId, String status, Instant expiresAt) {
    }

    /** The reader's enrolled key (null before its first enrollment), generation and chain head sequence. */
    public record Enrollment(byte[] publicKey, int generation, long eventSeq) {
    }

    /** The reader's key, generation, chain head and door, read under the reader's row lock. */
    public record ChainState(byte[] publicKey, int generation, long eventSeq, byte[] eventHash, String doorId) {
    }

    /** A claim held for a reader event id; source {@code legacy} is an audit record merged before V5. */
    public record HeldClaim(String eventId, String source, byte[] digest) {
    }

    /** A row of the table of reader event ids. */
    public record EventClaim(String eventId, String readerId, int generation, long seq, String source, byte[] digest,
            long createdAtMillis) {
    }

    static void insert(Tx tx, String id, String doorId, String name, byte[] secretHash, long nowMillis) {
        tx.update("INSERT INTO readers (id, door_id, name, secret_hash, status, created_at) VALUES (?, ?, ?, ?,"
                + " 'active', ?)", id, doorId, name, secretHash, nowMillis);
    }

    /** Revokes an active reader; false when there is no active reader with this id. */
    static boolean revoke(Tx tx, String readerId, long nowMillis) {
        return tx.update("UPDATE readers SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'",
                nowMillis, readerId) == 1;
    }

    static List<Page.Keyed<Stored>> page(ReadTx tx, Page page, ReaderFilter filter, long nowMillis) {
        Conditions where = new Conditions().add("r.door_id = ?", filter.doorId());
        filter.status().ifPresent(status -> ReaderHealth.condition(where, status, nowMillis));
        return tx.query(STORED + where.sql() + page.sql("r.name", false, "r.id", where.any(), where.args()),
                rs -> new Page.Keyed<>(stored(rs), rs.getString("name"), rs.getString("id")),
                where.args().toArray());
    }

    static Optional<Stored> stored(ReadTx tx, String readerId) {
        return tx.queryOne(STORED + " WHERE r.id = ?", ReaderStore::stored, readerId);
    }

    static void rename(Tx tx, String readerId, String name) {
        tx.update("UPDATE readers SET name = ? WHERE id = ?", name, readerId);
    }

    /**
     * Deletes a reader with its provisioning tokens and its table of event ids (which only served to recognise its
     * future uploads); the audit records of its scans and uploaded events stay.
     */
    static void delete(Tx tx, String readerId) {
        tx.update("DELETE FROM reader_events WHERE reader_id = ?", readerId);
        tx.update("DELETE FROM reader_provisioning WHERE reader_id = ?", readerId);
        tx.update("DELETE FROM readers WHERE id = ?", readerId);
    }

    static long readersOfDoor(ReadTx tx, String doorId) {
        return tx.queryLong("SELECT COUNT(*) FROM readers WHERE door_id = ?", doorId);
    }

    /**
     * The provisioned, active readers last seen longer ago than their door's bundle lifetime at {@code nowMillis}:
     * their bundle has expired offline. Readers never seen or never provisioned (online only) have no such outage.
     */
    public static List<ReaderOffline.Silence> silentPastBundle(ReadTx tx, long nowMillis) {
        return tx.query("SELECT r.id, r.door_id, r.last_seen_at, d.max_bundle_age_seconds FROM readers r JOIN doors d"
                + " ON d.id = r.door_id WHERE r.status = 'active' AND r.generation > 0 AND r.last_seen_at IS NOT NULL"
                + " AND r.last_seen_at + CAST(d.max_bundle_age_seconds AS BIGINT) * 1000 < ? ORDER BY r.id",
                rs -> new ReaderOffline.Silence(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        Duration.ofSeconds(rs.getLong(4))), nowMillis);
    }

    /** Writes when a reader was last seen (never earlier than what is stored) and the pending count it reported. */
    static void recordSighting(Tx tx, String readerId, long seenAtMillis, OptionalLong pendingEvents) {
        tx.update("UPDATE readers SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                seenAtMillis, readerId, seenAtMillis);
        if (pendingEvents.isPresent()) {
            tx.update("UPDATE readers SET pending_events = ? WHERE id = ?", pendingEvents.getAsLong(), readerId);
        }
    }

    static Optional<StoredCredential> credential(ReadTx tx, String readerId) {
        return tx.queryOne(CREDENTIAL, ReaderStore::credential, readerId);
    }

    /** Whether the reader has a working credential; empty when there is no such reader. */
    public static Optional<Boolean> active(ReadTx tx, String readerId) {
        return tx.queryOne("SELECT status FROM readers WHERE id = ?", rs -> active(rs.getString(1), readerId),
                readerId);
    }

    public static Optional<String> doorOf(ReadTx tx, String readerId) {
        return tx.queryOne("SELECT door_id FROM readers WHERE id = ?", rs -> rs.getString(1), readerId);
    }

    /** Gives the reader a new credential and key, and starts its event chain again under a new generation. */
    public static void reenroll(Tx tx, String readerId, byte[] secretHash, byte[] publicKey) {
        tx.update("UPDATE readers SET secret_hash = ?, public_key = ?, status = 'active', revoked_at = NULL,"
                + " generation = generation + 1, event_seq = 0, event_hash = NULL WHERE id = ?", secretHash,
                publicKey, readerId);
    }

    /**
     * Takes the reader's next bundle version, and records in the same write when it was fetched, for which revision
     * of the door ({@link DoorStore#revision}), and the count of pending events the reader reported, if it did.
     */
    public static long nextBundleVersion(Tx tx, String readerId, long doorRevision, long nowMillis,
            OptionalLong pendingEvents) {
        if (pendingEvents.isPresent()) {
            tx.update("UPDATE readers SET bundle_version = bundle_version + 1, bundle_fetched_at = ?, last_seen_at = ?,"
                    + " bundle_revision = ?, pending_events = ? WHERE id = ?", nowMillis, nowMillis, doorRevision,
                    pendingEvents.getAsLong(), readerId);
        } else {
            tx.update("UPDATE readers SET bundle_version = bundle_version + 1, bundle_fetched_at = ?, last_seen_at = ?,"
                    + " bundle_revision = ? WHERE id = ?", nowMillis, nowMillis, doorRevision, readerId);
        }
        return tx.queryLong("SELECT bundle_version FROM readers WHERE id = ?", readerId);
    }

    public static Optional<Enrollment> enrollment(ReadTx tx, String readerId) {
        return tx.queryOne("SELECT public_key, generation, event_seq FROM readers WHERE id = ?",
                rs -> new Enrollment(rs.getBytes(1), rs.getInt(2), rs.getLong(3)), readerId);
    }

    /** The chain state, with the reader's row locked until the transaction ends. */
    public static Optional<ChainState> lockChain(Tx tx, String readerId) {
        return tx.queryOne("SELECT public_key, generation, event_seq, event_hash, door_id FROM readers WHERE id = ?"
                + tx.dialect().forUpdate(), rs -> new ChainState(rs.getBytes(1), rs.getInt(2), rs.getLong(3),
                rs.getBytes(4), rs.getString(5)), readerId);
    }

    public static void advanceChain(Tx tx, String readerId, long seq, byte[] hash) {
        tx.update("UPDATE readers SET event_seq = ?, event_hash = ? WHERE id = ?", seq, hash, readerId);
    }

    /** Ends the reader's pending provisioning tokens; returns how many there were. */
    public static int supersedeProvisioning(Tx tx, String readerId, long nowMillis) {
        return tx.update("UPDATE reader_provisioning SET status = 'superseded', ended_at = ? WHERE reader_id = ? AND"
                + " status = 'pending'", nowMillis, readerId);
    }

    public static void insertProvisioning(Tx tx, String id, String readerId, byte[] secretHash, long nowMillis,
            long expiresAtMillis) {
        tx.update("INSERT INTO reader_provisioning (id, reader_id, secret_hash, status, created_at, expires_at)"
                + " VALUES (?, ?, ?, 'pending', ?, ?)", id, readerId, secretHash, nowMillis, expiresAtMillis);
    }

    public static Optional<Provisioning> provisioningById(ReadTx tx, String id) {
        return tx.queryOne("SELECT id, reader_id, status, expires_at FROM reader_provisioning WHERE id = ?",
                rs -> new Provisioning(rs.getString(1), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))), id);
    }

    /**
     * Ends one pending provisioning token before its use; false when it was not pending any more. The table knows
     * no {@code revoked} (its CHECK constraint), and a token ended early is {@code superseded} like one replaced by a
     * newer token: either way it never worked.
     */
    public static boolean endProvisioning(Tx tx, String id, long nowMillis) {
        return tx.update("UPDATE reader_provisioning SET status = 'superseded', ended_at = ? WHERE id = ? AND"
                + " status = 'pending'", nowMillis, id) == 1;
    }

    public static Optional<Provisioning> provisioning(ReadTx tx, byte[] secretHash) {
        return tx.queryOne("SELECT id, reader_id, status, expires_at FROM reader_provisioning WHERE secret_hash = ?",
                rs -> new Provisioning(rs.getString(1), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))), secretHash);
    }

    /** Ends a pending provisioning as used; false when it was not pending any more. */
    public static boolean useProvisioning(Tx tx, String provisioningId, long nowMillis) {
        return tx.update("UPDATE reader_provisioning SET status = 'used', ended_at = ? WHERE id = ? AND status ="
                + " 'pending'", nowMillis, provisioningId) == 1;
    }

    private static final String INSERT_EVENT = "INSERT INTO reader_events (event_id, reader_id, generation, seq,"
            + " source, digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

    public static void insertEvent(Tx tx, EventClaim claim) {
        tx.update(INSERT_EVENT, eventArgs(claim));
    }

    static void insertEvent(Tx.Batch batch, EventClaim claim) {
        batch.update(INSERT_EVENT, eventArgs(claim));
    }

    private static Object[] eventArgs(EventClaim claim) {
        return new Object[] {claim.eventId(), claim.readerId(), claim.generation(), claim.seq(), claim.source(),
            claim.digest(), claim.createdAtMillis()};
    }

    /**
     * Up to {@code limit} claims held for one event: those of the table of reader event ids (the bare id sorts
     * first) and an audit record stored under the bare id before that table existed.
     */
    public static List<HeldClaim> held(ReadTx tx, String readerId, int generation, long seq, String bareId,
            int limit) {
        return tx.query("""
                SELECT event_id, source, digest FROM reader_events WHERE reader_id = ? AND generation = ? AND seq = ?
                UNION ALL SELECT event_id, 'legacy', NULL FROM audit_log WHERE event_id = ?
                ORDER BY event_id LIMIT ?""", rs -> new HeldClaim(rs.getString(1), rs.getString(2), rs.getBytes(3)),
                readerId, generation, seq, bareId, limit);
    }

    /** The claims held for one event whose digest is one of two: the exact look-up for an event with many claims. */
    public static List<HeldClaim> heldWithDigest(ReadTx tx, String readerId, int generation, long seq, byte[] first,
            byte[] second) {
        return tx.query("SELECT event_id, source, digest FROM reader_events WHERE reader_id = ? AND generation = ?"
                + " AND seq = ? AND digest IN (?, ?)", rs -> new HeldClaim(rs.getString(1), rs.getString(2),
                rs.getBytes(3)), readerId, generation, seq, first, second);
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getString("id"), rs.getString("door_id"), rs.getString("name"), rs.getString("status"),
                rs.getInt("generation"), nullableLong(rs, "last_seen_at"), rs.getLong("bundle_version"),
                nullableLong(rs, "bundle_fetched_at"), nullableLong(rs, "bundle_revision"),
                nullableLong(rs, "pending_events"), rs.getLong("event_seq"), rs.getLong("door_revision"),
                rs.getInt("max_bundle_age_seconds"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A reader's credential from the row of a statement that selects {@link #CREDENTIAL_COLUMNS}. */
    static StoredCredential credential(ResultSet rs) throws SQLException {
        String id = rs.getString("reader_id");
        return new StoredCredential(id, rs.getString("reader_door_id"), rs.getString("reader_name"),
                active(rs.getString("reader_status"), id), rs.getBytes("reader_secret_hash"),
                rs.getInt("reader_generation"));
    }

    private static boolean active(String status, String readerId) {
        return switch (status) {
            case "active" -> true;
            case "revoked" -> false;
            case null, default -> throw GatehouseException.corrupt("status '" + status + "' of reader " + readerId,
                    null);
        };
    }
}
