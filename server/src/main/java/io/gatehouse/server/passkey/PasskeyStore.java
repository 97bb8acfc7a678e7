package io.gatehouse.server.passkey;

import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The passkeys table. */
final class PasskeyStore {
    private static final String COLUMNS = "credential_id, device_id, user_id, user_handle, public_key_cose,"
            + " signature_count, aaguid, attestation_format, attestation_statement, transports, backup_eligible,"
            + " backed_up, trust, trust_reason, possibly_cloned_at";

    void insert(Tx tx, StoredPasskey passkey, long now) {
        tx.update("INSERT INTO passkeys (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)", passkey.credentialId(), passkey.deviceId(), passkey.userId(), passkey.userHandle(),
                passkey.publicKeyCose(), passkey.signatureCount(), passkey.aaguid(), passkey.attestationFormat(),
                passkey.attestationStatement(), String.join(",", passkey.transports()), passkey.backupEligible(),
                passkey.backedUp(), passkey.trust().level().code(), passkey.trust().reason(),
                passkey.possiblyClonedAt().orElse(null), now);
    }

    Optional<StoredPasskey> find(ReadTx tx, String credentialId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM passkeys WHERE credential_id = ?", PasskeyStore::map,
                credentialId);
    }

    Optional<StoredPasskey> findByDevice(ReadTx tx, String deviceId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM passkeys WHERE device_id = ?", PasskeyStore::map, deviceId);
    }

    List<StoredPasskey> byUserHandle(ReadTx tx, byte[] userHandle) {
        return tx.query("SELECT " + COLUMNS + " FROM passkeys WHERE user_handle = ?", PasskeyStore::map, userHandle);
    }

    /** Records a verified use; {@code backedUpChanged} stamps the moment the backed-up flag changed. */
    void recordUse(Tx tx, String credentialId, long signatureCount, boolean backedUp, boolean backedUpChanged,
            long now) {
        tx.update("UPDATE passkeys SET signature_count = ?, backed_up = ?, last_used_at = ?,"
                + " backed_up_changed_at = CASE WHEN ? THEN ? ELSE backed_up_changed_at END WHERE credential_id = ?",
                signatureCount, backedUp, now, backedUpChanged, now, credentialId);
    }

    /** The WebAuthn credential ids of the user's passkeys. */
    List<String> credentialIdsOfUser(ReadTx tx, String userId) {
        return tx.query("SELECT credential_id FROM passkeys WHERE user_id = ?", rs -> rs.getString(1), userId);
    }

    /** Deletes the user's passkeys with their public keys and attestations; returns how many. */
    int deleteOfUser(Tx tx, String userId) {
        return tx.update("DELETE FROM passkeys WHERE user_id = ?", userId);
    }

    void flagPossiblyCloned(Tx tx, String credentialId, long now) {
        tx.update("UPDATE passkeys SET possibly_cloned_at = ? WHERE credential_id = ? AND possibly_cloned_at IS NULL",
                now, credentialId);
    }

    private static StoredPasskey map(ResultSet rs) throws SQLException {
        String credentialId = rs.getString("credential_id");
        String trust = rs.getString("trust");
        DeviceTrust level;
        try {
            level = DeviceTrust.parse(trust);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GatehouseException.corrupt("passkey " + credentialId + " has an unknown trust level", e);
        }
        String transports = rs.getString("transports");
        long cloned = rs.getLong("possibly_cloned_at");
        Optional<Long> possiblyCloned = rs.wasNull() ? Optional.empty() : Optional.of(cloned);
        return new StoredPasskey(credentialId, rs.getString("device_id"), rs.getString("user_id"),
                rs.getBytes("user_handle"), rs.getBytes("public_key_cose"), rs.getLong("signature_count"),
                rs.getString("aaguid"), rs.getString("attestation_format"), rs.getBytes("attestation_statement"),
                transports.isEmpty() ? List.of() : List.of(transports.split(",")), rs.getBoolean("backup_eligible"),
                rs.getBoolean("backed_up"), new TrustDecision(level, rs.getString("trust_reason")), possiblyCloned);
    }
}
