package io.gatehouse.server.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code oidc_codes}, {@code oidc_tokens} and {@code oidc_assertion_ids}. */
final class GrantStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** A stored code, with whether (and when) it was used. */
    record StoredCode(byte[] hash, CodeGrant grant, Instant expiresAt, Optional<Instant> usedAt) {
    }

    /** A stored access or refresh token. */
    record StoredToken(byte[] hash, String kind, String clientId, String userId, String scope, byte[] codeHash,
            String family, Instant expiresAt, Optional<Instant> usedAt, Optional<Instant> revokedAt) {
    }

    void insertCode(Tx tx, byte[] hash, CodeGrant grant, Instant now, Instant expiresAt) {
        SignIn signIn = grant.signIn();
        tx.update("INSERT INTO oidc_codes (code_hash, client_id, user_id, redirect_uri, code_challenge, nonce, scope,"
                + " auth_time, acr, amr, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", hash,
                grant.clientId(), signIn.userId(), grant.redirectUri(), grant.codeChallenge().orElse(null),
                grant.nonce().orElse(null), grant.scope(), signIn.authTime().toEpochMilli(), signIn.acr(),
                Json.write(signIn.amr()), now.toEpochMilli(), expiresAt.toEpochMilli());
    }

    Optional<StoredCode> findCode(ReadTx tx, byte[] hash) {
        return tx.queryOne("SELECT code_hash, client_id, user_id, redirect_uri, code_challenge, nonce, scope,"
                + " auth_time, acr, amr, expires_at, used_at FROM oidc_codes WHERE code_hash = ?", GrantStore::code,
                hash);
    }

    /** Marks the code used; false when another request used it first. */
    boolean useCode(Tx tx, byte[] hash, Instant now) {
        return tx.update("UPDATE oidc_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                now.toEpochMilli(), hash) == 1;
    }

    void insertToken(Tx tx, byte[] hash, String kind, String clientId, String userId, String scope, byte[] codeHash,
            String family, Instant now, Instant expiresAt) {
        tx.update("INSERT INTO oidc_tokens (token_hash, kind, client_id, user_id, scope, code_hash, family,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", hash, kind, clientId, userId, scope,
                codeHash, family, now.toEpochMilli(), expiresAt.toEpochMilli());
    }

    Optional<StoredToken> findToken(ReadTx tx, byte[] hash) {
        return tx.queryOne("SELECT token_hash, kind, client_id, user_id, scope, code_hash, family, expires_at,"
                + " used_at, revoked_at FROM oidc_tokens WHERE token_hash = ?", GrantStore::token, hash);
    }

    /** Revokes every token a code produced (the code was presented twice); returns how many were live. */
    int revokeByCode(Tx tx, byte[] codeHash, Instant now) {
        return tx.update("UPDATE oidc_tokens SET revoked_at = ? WHERE code_hash = ? AND revoked_at IS NULL",
                now.toEpochMilli(), codeHash);
    }

    int revokeFamily(Tx tx, String family, Instant now) {
        return tx.update("UPDATE oidc_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                now.toEpochMilli(), family);
    }

    /** Marks a refresh token used (rotated away); false when another request rotated it first. */
    boolean useToken(Tx tx, byte[] hash, Instant now) {
        return tx.update("UPDATE oidc_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                now.toEpochMilli(), hash) == 1;
    }

    /** Remembers an assertion id; false when it was seen before (a replayed {@code private_key_jwt}). */
    /** Deletes a person's codes; how many. */
    int deleteCodesOf(Tx tx, String userId) {
        return tx.update("DELETE FROM oidc_codes WHERE user_id = ?", userId);
    }

    /** Deletes a person's access and refresh tokens; how many. */
    int deleteTokensOf(Tx tx, String userId) {
        return tx.update("DELETE FROM oidc_tokens WHERE user_id = ?", userId);
    }

    boolean rememberAssertion(Tx tx, String clientId, String jti, Instant expiresAt) {
        return tx.update("INSERT INTO oidc_assertion_ids (client_id, jti, expires_at) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING", clientId, jti, expiresAt.toEpochMilli()) == 1;
    }

    private static StoredCode code(ResultSet rs) throws SQLException {
        String clientId = rs.getString("client_id");
        SignIn signIn = new SignIn(rs.getString("user_id"), Instant.ofEpochMilli(rs.getLong("auth_time")),
                rs.getString("acr"), amr(clientId, rs.getString("amr")));
        CodeGrant grant = new CodeGrant(clientId, rs.getString("redirect_uri"),
                Optional.ofNullable(rs.getString("code_challenge")), Optional.ofNullable(rs.getString("nonce")),
                rs.getString("scope"), signIn);
        return new StoredCode(rs.getBytes("code_hash"), grant, Instant.ofEpochMilli(rs.getLong("expires_at")),
                instant(rs, "used_at"));
    }

    private static StoredToken token(ResultSet rs) throws SQLException {
        return new StoredToken(rs.getBytes("token_hash"), rs.getString("kind"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("scope"), rs.getBytes("code_hash"), rs.getString("family"),
                Instant.ofEpochMilli(rs.getLong("expires_at")), instant(rs, "used_at"), instant(rs, "revoked_at"));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static List<String> amr(String clientId, String json) {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw GatehouseException.corrupt("the amr of a code for OIDC client " + clientId, e);
        }
    }
}
