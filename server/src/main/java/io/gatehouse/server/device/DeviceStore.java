package io.gatehouse.server.device;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The only class that reads or writes the {@code devices} and {@code device_enrollments} tables; the scan, the
 * reader bundle and the event upload ask it for what they need.
 */
public final class DeviceStore {
    /** Credential ids per owner look-up: the upload holds at most 500 events, so one statement usually does. */
    private static final int OWNERS_PER_STATEMENT = 500;
    /** How exact a device's last use is kept. */
    private static final long LAST_USE_RESOLUTION_MILLIS = 60_000;
    private static final String RECORD_USE = "UPDATE devices SET last_used_at = ? WHERE credential_id = ?"
            + " AND (last_used_at IS NULL OR last_used_at < ?)";

    /**
     * One row per role (one with a null role for a user without roles): a credential and its user's roles in one
     * statement, no query per row.
     */
    private static final String CREDENTIALS = """
            SELECT d.id, d.user_id, d.credential_id, d.kind, d.public_key, d.trust, d.status, u.status AS user_status,
                   d.model, d.os, d.app_version, r.role
            FROM devices d JOIN users u ON u.id = d.user_id LEFT JOIN user_roles r ON r.user_id = d.user_id""";

    private DeviceStore() {
    }

    /** A subquery that selects user ids, written by the feature that knows which users it means. */
    public record UserIds(String subquery, List<Object> args) {
        public UserIds {
            args = List.copyOf(args);
        }
    }

    /** A device enrollment link as stored. */
    record Enrollment(String id, String userId, String status, Instant expiresAt) {
    }

    /** A new device's row. */
    record NewDevice(String id, String userId, CredentialId credentialId, DeviceKind kind, byte[] publicKey,
            DeviceTrust trust, String model, String os, String appVersion, String attestation, long createdAtMillis) {
    }

    static void insertEnrollment(Tx tx, String id, byte[] tokenHash, String userId, String createdBy,
            long createdAtMillis, long expiresAtMillis) {
        tx.update("INSERT INTO device_enrollments (id, token_hash, user_id, status, created_by, created_at,"
                + " expires_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)", id, tokenHash, userId, createdBy,
                createdAtMillis, expiresAtMillis);
    }

    static Optional<Enrollment> enrollment(ReadTx tx, byte[] tokenHash) {
        return tx.queryOne("SELECT id, user_id, status, expires_at FROM device_enrollments WHERE token_hash = ?",
                rs -> new Enrollment(rs.getString(1), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))), tokenHash);
    }

    static Optional<Enrollment> enrollmentById(ReadTx tx, String id) {
        return tx.queryOne("SELECT id, user_id, status, expires_at FROM device_enrollments WHERE id = ?",
                rs -> new Enrollment(rs.getString(1), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))), id);
    }

    /** Ends a pending link as revoked; false when it was not pending any more. */
    static boolean revokeEnrollment(Tx tx, String id, long nowMillis) {
        return tx.update("UPDATE device_enrollments SET status = 'revoked', ended_at = ? WHERE id = ?"
                + " AND status = 'pending'", nowMillis, id) == 1;
    }

    /** Ends a pending link as used by {@code deviceId}; false when it was not pending any more. */
    static boolean useEnrollment(Tx tx, String enrollmentId, String deviceId, long nowMillis) {
        return tx.update("UPDATE device_enrollments SET status = 'used', device_id = ?, ended_at = ? WHERE id = ?"
                + " AND status = 'pending'", deviceId, nowMillis, enrollmentId) == 1;
    }

    static void insert(Tx tx, NewDevice device) {
        tx.update("""
                INSERT INTO devices (id, user_id, credential_id, kind, public_key, trust, model, os, app_version,
                                     attestation, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)""", device.id(), device.userId(),
                device.credentialId().toString(), device.kind().code(), device.publicKey(), device.trust().code(), device.model(),
                device.os(), device.appVersion(), device.attestation(), device.createdAtMillis());
    }

    /** One page of a user's devices by enrollment time. */
    static List<Page.Keyed<Device>> page(ReadTx tx, String userId, Page page) {
        List<Object> args = new ArrayList<>(List.of(userId));
        String sql = "SELECT id, user_id, credential_id, kind, trust, status, model, os, app_version, created_at,"
                + " last_used_at FROM devices WHERE user_id = ?" + page.sql("created_at", true, "id", true, args);
        return tx.query(sql, rs -> {
            long lastUsed = rs.getLong("last_used_at");
            Instant lastUsedAt = rs.wasNull() ? null : Instant.ofEpochMilli(lastUsed);
            Device device = new Device(rs.getString("id"), rs.getString("user_id"), rs.getString("credential_id"),
                    DeviceKind.parse(rs.getString("kind")), trust(rs.getString("trust")),
                    active(rs.getString("status"), "device"), rs.getString("model"), rs.getString("os"),
                    rs.getString("app_version"), Instant.ofEpochMilli(rs.getLong("created_at")), lastUsedAt);
            return new Page.Keyed<>(device, rs.getLong("created_at"), device.id());
        }, args.toArray());
    }

    /** Active devices (not revoked) counted by kind and trust level. */
    static List<KindAndTrust> activeByKindAndTrust(ReadTx tx) {
        return tx.query("SELECT kind, trust, COUNT(*) FROM devices WHERE status = 'active' GROUP BY kind, trust"
                + " ORDER BY kind, trust", rs -> new KindAndTrust(DeviceKind.parse(rs.getString(1)),
                trust(rs.getString(2)), rs.getLong(3)));
    }

    /** How many active devices have one kind and trust level. */
    public record KindAndTrust(DeviceKind kind, DeviceTrust trust, long count) {
    }

    /** Whether the device exists and is not revoked. */
    static boolean isActive(ReadTx tx, String deviceId) {
        return tx.queryOne("SELECT status FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId)
                .map("active"::equals).orElse(false);
    }

    /** Whether the user has an active device of {@code kind}. */
    static boolean hasActive(ReadTx tx, String userId, DeviceKind kind) {
        return tx.queryLong("SELECT COUNT(*) FROM devices WHERE user_id = ? AND kind = ? AND status = 'active'",
                userId, kind.code()) > 0;
    }

    static Optional<String> owner(ReadTx tx, String deviceId) {
        return tx.queryOne("SELECT user_id FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId);
    }

    /** The ids of the user's active devices, by enrollment time. */
    static List<String> activeIdsOf(ReadTx tx, String userId) {
        return tx.query("SELECT id FROM devices WHERE user_id = ? AND status = 'active' ORDER BY created_at, id",
                rs -> rs.getString(1), userId);
    }

    /** Revokes an active device; false when it was revoked already. */
    static boolean revoke(Tx tx, String deviceId, long nowMillis) {
        return tx.update("UPDATE devices SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'",
                nowMillis, deviceId) == 1;
    }

    /**
     * Records a use of the credential, as a statement of a decision's write batch (no round trip of its own). The
     * time is kept to the minute: a row already stamped within the last minute is not written again, so a busy
     * device does not turn every scan into a row update.
     */
    public static void recordUse(Tx.Batch batch, CredentialId credentialId, long nowMillis) {
        batch.update(RECORD_USE, nowMillis, credentialId.toString(), nowMillis - LAST_USE_RESOLUTION_MILLIS);
    }

    /** The same, in a transaction of its own statements. */
    public static void recordUse(Tx tx, CredentialId credentialId, long nowMillis) {
        tx.update(RECORD_USE, nowMillis, credentialId.toString(), nowMillis - LAST_USE_RESOLUTION_MILLIS);
    }

    /** The SHA-256 of the tokens of the user's device enrollment links, ended or not. */
    static List<byte[]> enrollmentTokenHashes(ReadTx tx, String userId) {
        return tx.query("SELECT token_hash FROM device_enrollments WHERE user_id = ?", rs -> rs.getBytes(1), userId);
    }

    /** Deletes the user's devices, revoked or not, with their keys and facts; returns how many. */
    static int deleteOfUser(Tx tx, String userId) {
        return tx.update("DELETE FROM devices WHERE user_id = ?", userId);
    }

    /** Deletes the user's device enrollment links, ended or not; returns how many. */
    static int deleteEnrollmentsOfUser(Tx tx, String userId) {
        return tx.update("DELETE FROM device_enrollments WHERE user_id = ?", userId);
    }

    /** The credential with this id, with its user's status and roles. */
    public static Optional<DeviceCredential> credential(ReadTx tx, CredentialId id) {
        return single(tx.query(CREDENTIALS + " WHERE d.credential_id = ?", CredentialRow::from, id.toString()));
    }

    /** The credential of the device {@code deviceId}, with its user's status and roles. */
    public static Optional<DeviceCredential> credentialOfDevice(ReadTx tx, String deviceId) {
        return single(tx.query(CREDENTIALS + " WHERE d.id = ?", CredentialRow::from, deviceId));
    }

    /** The same read as {@link #credential(ReadTx, CredentialId)}, as one statement of a batch. */
    public static Tx.Result<Optional<DeviceCredential>> credential(Tx.Batch batch, CredentialId id) {
        return batch.query(CREDENTIALS + " WHERE d.credential_id = ?", CredentialRow::from, id.toString())
                .map(DeviceStore::single);
    }

    /** Every device of the users {@code users} selects, revoked ones included, ordered by credential id. */
    public static List<DeviceCredential> credentialsOf(ReadTx tx, UserIds users) {
        List<CredentialRow> rows = tx.query(CREDENTIALS + " WHERE d.user_id IN (" + users.subquery() + ")"
                + " ORDER BY d.credential_id", CredentialRow::from, users.args().toArray());
        Map<String, List<CredentialRow>> byCredential = new LinkedHashMap<>();
        rows.forEach(row -> byCredential.computeIfAbsent(row.credential().id().toString(), k -> new ArrayList<>())
                .add(row));
        return byCredential.values().stream().map(DeviceStore::merged).toList();
    }

    /** The owners of those of {@code credentialIds} that are enrolled; devices never change owner. */
    public static Map<String, String> owners(ReadTx tx, Collection<String> credentialIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(credentialIds));
        Map<String, String> owners = new HashMap<>();
        for (int from = 0; from < ids.size(); from += OWNERS_PER_STATEMENT) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + OWNERS_PER_STATEMENT));
            tx.query("SELECT credential_id, user_id FROM devices WHERE credential_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(part.size(), "?")) + ")",
                    rs -> owners.put(rs.getString(1), rs.getString(2)), part.toArray());
        }
        return owners;
    }

    /** One row of {@link #CREDENTIALS}: a credential with one of its user's roles, or none. */
    private record CredentialRow(DeviceCredential credential, String role) {
        static CredentialRow from(java.sql.ResultSet rs) throws java.sql.SQLException {
            String credentialId = rs.getString("credential_id");
            CredentialId id;
            try {
                id = CredentialId.parse(credentialId);
            } catch (IllegalArgumentException e) {
                throw GatehouseException.corrupt("credential id '" + credentialId + "' of device "
                        + rs.getString("id"), e);
            }
            return new CredentialRow(new DeviceCredential(id, rs.getString("id"), rs.getString("user_id"),
                    DeviceKind.parse(rs.getString("kind")), rs.getBytes("public_key"), trust(rs.getString("trust")),
                    active(rs.getString("status"), "device"), active(rs.getString("user_status"), "user"), Set.of(),
                    rs.getString("model"), rs.getString("os"), rs.getString("app_version")), rs.getString("role"));
        }
    }

    private static Optional<DeviceCredential> single(List<CredentialRow> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(merged(rows));
    }

    private static DeviceCredential merged(List<CredentialRow> rows) {
        Set<String> roles = new LinkedHashSet<>();
        rows.forEach(row -> {
            if (row.role() != null) {
                roles.add(row.role());
            }
        });
        DeviceCredential first = rows.get(0).credential();
        return new DeviceCredential(first.id(), first.deviceId(), first.userId(), first.kind(), first.publicKey(),
                first.trust(), first.deviceActive(), first.userActive(), roles, first.model(), first.os(),
                first.appVersion());
    }

    private static DeviceTrust trust(String stored) {
        try {
            return DeviceTrust.parse(stored);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GatehouseException.corrupt("device trust '" + stored + "'", e);
        }
    }

    /** A stored status: active, or one of the ends a device ({@code revoked}) or user ({@code suspended}) has. */
    private static boolean active(String stored, String what) {
        return switch (stored) {
            case "active" -> true;
            case "revoked", "suspended" -> false;
            case null, default -> throw GatehouseException.corrupt(what + " status '" + stored + "'", null);
        };
    }
}
