package io.gatehouse.server.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code oidc_sessions}. */
final class ProviderSessionStore {
    private static final String COLUMNS = "id, secret_hash, user_id, auth_time, amr, phr_at, device_id, created_at,"
            + " expires_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private ProviderSessionStore() {
    }

    /** A session row; times in epoch milliseconds. */
    record Stored(String id, byte[] secretHash, String userId, long authTime, List<String> amr, Long phrAt,
            String deviceId, long createdAt, long expiresAt) {
    }

    static void insert(Tx tx, Stored session) {
        tx.update("INSERT INTO oidc_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", session.id(),
                session.secretHash(), session.userId(), session.authTime(), Json.write(session.amr()),
                session.phrAt(), session.deviceId(), session.createdAt(), session.expiresAt());
    }

    static Optional<Stored> findOpen(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM oidc_sessions WHERE id = ? AND ended_at IS NULL",
                ProviderSessionStore::read, id);
    }

    /** Ends an open session; false when it was ended already. */
    static boolean end(Tx tx, String id, long now) {
        return tx.update("UPDATE oidc_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", now, id) == 1;
    }

    /** Ends every open session of a person; how many. */
    static int endAllOf(Tx tx, String userId, long now) {
        return tx.update("UPDATE oidc_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", now, userId);
    }

    /** Deletes sessions that ended or expired before {@code before}. */
    static int prune(Tx tx, long before) {
        return tx.update("DELETE FROM oidc_sessions WHERE expires_at < ? OR ended_at < ?", before, before);
    }

    private static Stored read(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        long phrAt = rs.getLong("phr_at");
        Long phr = rs.wasNull() ? null : phrAt;
        List<String> amr;
        try {
            amr = Json.MAPPER.readValue(rs.getString("amr"), STRINGS);
        } catch (JsonProcessingException e) {
            throw GatehouseException.corrupt("the methods of provider session " + id, e);
        }
        return new Stored(id, rs.getBytes("secret_hash"), rs.getString("user_id"), rs.getLong("auth_time"), amr, phr,
                rs.getString("device_id"), rs.getLong("created_at"), rs.getLong("expires_at"));
    }
}
