package io.gatehouse.server.access;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.server.db.ReadTx;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A credential as a scan needs it, in one statement: its device (key, trust, status and the facts the audit record
 * names), its user's status and the user's roles.
 *
 * @param publicKey the device key as stored (SubjectPublicKeyInfo)
 */
record CredentialRow(CredentialId id, String deviceId, String userId, byte[] publicKey, DeviceTrust trust,
        boolean deviceActive, boolean userActive, Set<String> roles, String model, String os, String appVersion) {

    /** One row per role (one with a null role for a user without roles): a flat join, no query per row. */
    private static final String SELECT = """
            SELECT d.id, d.user_id, d.public_key, d.trust, d.status, u.status AS user_status, d.model, d.os,
                   d.app_version, r.role
            FROM devices d JOIN users u ON u.id = d.user_id LEFT JOIN user_roles r ON r.user_id = d.user_id
            WHERE d.credential_id = ?""";

    static Optional<CredentialRow> find(ReadTx tx, CredentialId id) {
        List<CredentialRow> rows = tx.query(SELECT, rs -> new CredentialRow(id, rs.getString("id"),
                rs.getString("user_id"), rs.getBytes("public_key"), DeviceTrust.parse(rs.getString("trust")),
                "active".equals(rs.getString("status")), "active".equals(rs.getString("user_status")),
                rs.getString("role") == null ? Set.of() : Set.of(rs.getString("role")), rs.getString("model"),
                rs.getString("os"), rs.getString("app_version")), id.toString());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Set<String> roles = new LinkedHashSet<>();
        rows.forEach(row -> roles.addAll(row.roles()));
        CredentialRow first = rows.get(0);
        return Optional.of(new CredentialRow(id, first.deviceId, first.userId, first.publicKey, first.trust,
                first.deviceActive, first.userActive, roles, first.model, first.os, first.appVersion));
    }

    /** What the verifier sees; a stored key that is not a P-256 key fails here, and the scan fails closed. */
    CredentialView view() {
        return new CredentialView(id, userId, deviceId, PublicKeys.fromSpki(publicKey), deviceActive, userActive,
                trust, roles);
    }
}
