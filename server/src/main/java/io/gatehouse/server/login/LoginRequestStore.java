package io.gatehouse.server.login;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tables {@code login_requests} (migration V22) and {@code login_request_ceremonies} (V24). Every change of state
 * is conditional on the state before.
 */
final class LoginRequestStore {
    private static final String COLUMNS = "id, application, browser, location, number, choices, created_at,"
            + " expires_at, state, reason, user_id, device_id, answered_at, token_hash, token_expires_at, secret_hash";

    private LoginRequestStore() {
    }

    /** Where a request stands; {@code EXPIRED} is never stored: a pending request past its end is expired. */
    enum State {
        PENDING, APPROVED, DENIED, COMPLETED, EXPIRED;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State parse(String code) {
            for (State state : values()) {
                if (state.code().equals(code)) {
                    return state;
                }
            }
            throw GatehouseException.corrupt("login request state '" + code + "'", null);
        }
    }

    record Stored(String id, String application, String browser, String location, int number, List<Integer> choices,
            long createdAt, long expiresAt, State state, String reason, String userId, String deviceId,
            Long answeredAt, boolean tokenIssued, Long tokenExpiresAt, byte[] secretHash) {
    }

    record NewRequest(String id, byte[] handleHash, byte[] secretHash, String application, String browser,
            String location, String source, int number, List<Integer> choices, long createdAt, long expiresAt) {
    }

    /** The requests one source created since a moment: how many, and when the first of them was created. */
    record Recent(long count, Long firstCreatedAt) {
    }

    static void insert(Tx tx, NewRequest request) {
        tx.update("INSERT INTO login_requests (id, handle_hash, secret_hash, application, browser, location, source,"
                + " number, choices, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                request.id(), request.handleHash(), request.secretHash(), request.application(), request.browser(),
                request.location(), request.source(), request.number(), String.join(",", request.choices().stream()
                        .map(String::valueOf).toList()), request.createdAt(), request.expiresAt(),
                State.PENDING.code());
    }

    static Recent createdBySourceSince(ReadTx tx, String source, long since) {
        return tx.queryOne("SELECT COUNT(*) AS created, MIN(created_at) AS first_created FROM"
                + " login_requests WHERE source = ? AND created_at > ?", rs -> new Recent(rs.getLong("created"),
                Tx.nullableLong(rs, "first_created")), source, since).orElseThrow();
    }

    /** Records that the passkey ceremony {@code ceremonyId} was started by the options of request {@code id}. */
    static void addCeremony(Tx tx, String ceremonyId, String id) {
        tx.update("INSERT INTO login_request_ceremonies (ceremony_id, request_id) VALUES (?, ?)", ceremonyId, id);
    }

    /** The request whose options started the ceremony {@code ceremonyId}; empty for a ceremony no request started. */
    static Optional<String> requestOfCeremony(ReadTx tx, String ceremonyId) {
        return tx.queryOne("SELECT request_id FROM login_request_ceremonies WHERE ceremony_id = ?",
                rs -> rs.getString(1), ceremonyId);
    }

    static Optional<Stored> byHandle(ReadTx tx, byte[] handleHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM login_requests WHERE handle_hash = ?", LoginRequestStore::map,
                (Object) handleHash);
    }

    static Optional<Stored> byId(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM login_requests WHERE id = ?", LoginRequestStore::map, id);
    }

    static Optional<Stored> byToken(ReadTx tx, byte[] tokenHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM login_requests WHERE token_hash = ?", LoginRequestStore::map,
                (Object) tokenHash);
    }

    /** Binds a pending, unexpired request to the phone that answered first; false when another answered before. */
    static boolean approve(Tx tx, String id, String userId, String deviceId, long now) {
        return tx.update("UPDATE login_requests SET state = ?, user_id = ?, device_id = ?, answered_at = ?"
                + " WHERE id = ? AND state = ? AND expires_at > ?", State.APPROVED.code(), userId, deviceId, now, id,
                State.PENDING.code(), now) == 1;
    }

    /** Ends a pending request for good. */
    static boolean deny(Tx tx, String id, String reason, String userId, String deviceId, long now) {
        return tx.update("UPDATE login_requests SET state = ?, reason = ?, user_id = ?, device_id = ?,"
                + " answered_at = ? WHERE id = ? AND state = ?", State.DENIED.code(), reason, userId, deviceId, now,
                id, State.PENDING.code()) == 1;
    }

    /** Hands out the completion token once; false when it was handed out already. */
    static boolean issueToken(Tx tx, String id, byte[] tokenHash, long expiresAt) {
        return tx.update("UPDATE login_requests SET token_hash = ?, token_expires_at = ? WHERE id = ? AND state = ?"
                + " AND token_hash IS NULL", tokenHash, expiresAt, id, State.APPROVED.code()) == 1;
    }

    /** Spends the completion token; false when it was spent already or has expired. */
    static boolean complete(Tx tx, String id, long now) {
        return tx.update("UPDATE login_requests SET state = ?, completed_at = ? WHERE id = ? AND state = ?"
                + " AND token_expires_at > ?", State.COMPLETED.code(), now, id, State.APPROVED.code(), now) == 1;
    }

    /** Removes the requests created before {@code before}, whatever became of them: the audit log keeps the story. */
    static int deleteCreatedBefore(Tx tx, long before) {
        return tx.update("DELETE FROM login_requests WHERE created_at < ?", before);
    }

    /** Removes the requests a person approved or denied: their browsers and addresses are personal data. */
    static int deleteAllOfUser(Tx tx, String userId) {
        return tx.update("DELETE FROM login_requests WHERE user_id = ?", userId);
    }

    private static Stored map(ResultSet rs) throws SQLException {
        List<Integer> choices;
        try {
            choices = Arrays.stream(rs.getString("choices").split(",")).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw GatehouseException.corrupt("choices of login request " + rs.getString("id"), e);
        }
        return new Stored(rs.getString("id"), rs.getString("application"), rs.getString("browser"),
                rs.getString("location"), rs.getInt("number"), choices, rs.getLong("created_at"),
                rs.getLong("expires_at"), State.parse(rs.getString("state")), rs.getString("reason"),
                rs.getString("user_id"), rs.getString("device_id"), Tx.nullableLong(rs, "answered_at"),
                rs.getBytes("token_hash") != null, Tx.nullableLong(rs, "token_expires_at"),
                rs.getBytes("secret_hash"));
    }
}
