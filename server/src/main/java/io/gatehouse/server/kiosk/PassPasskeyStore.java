package io.gatehouse.server.kiosk;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The only class that reads or writes {@code pass_passkeys} and {@code pass_ceremonies} (migration V27): the passkeys
 * that bind passes to phones and their waiting WebAuthn ceremonies.
 */
final class PassPasskeyStore {
    private static final String COLUMNS = "webauthn_id, visitor_id, credential_id, user_handle, public_key_cose,"
            + " signature_count";
    /** Ceremonies that may wait at once, so that asking for options cannot fill the database. */
    private static final int MAX_WAITING = 10_000;

    private PassPasskeyStore() {
    }

    /**
     * A pass's passkey.
     *
     * @param webauthnId the WebAuthn credential id (base64url), what the phone's authenticator names
     * @param credentialId the access credential id that minted proofs for this pass name
     */
    record PassPasskey(String webauthnId, String visitorId, CredentialId credentialId, byte[] userHandle,
            byte[] publicKeyCose, long signatureCount) {
    }

    /** A waiting ceremony as taken: its pass and the request as sent to the browser. */
    record Ceremony(String visitorId, String requestJson, Instant expiresAt) {
    }

    static void insert(Tx tx, PassPasskey passkey, Instant now) {
        tx.update("INSERT INTO pass_passkeys (webauthn_id, visitor_id, credential_id, user_handle, public_key_cose,"
                + " signature_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", passkey.webauthnId(),
                passkey.visitorId(), passkey.credentialId().toString(), passkey.userHandle(), passkey.publicKeyCose(),
                passkey.signatureCount(), now.toEpochMilli());
    }

    static Optional<PassPasskey> byWebauthnId(ReadTx tx, String webauthnId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM pass_passkeys WHERE webauthn_id = ?", PassPasskeyStore::row,
                webauthnId);
    }

    static Optional<PassPasskey> byCredentialId(ReadTx tx, CredentialId credentialId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM pass_passkeys WHERE credential_id = ?",
                PassPasskeyStore::row, credentialId.toString());
    }

    static List<PassPasskey> ofVisitor(ReadTx tx, String visitorId) {
        return tx.query("SELECT " + COLUMNS + " FROM pass_passkeys WHERE visitor_id = ? ORDER BY created_at",
                PassPasskeyStore::row, visitorId);
    }

    static boolean bound(ReadTx tx, String visitorId) {
        return tx.queryLong("SELECT COUNT(*) FROM pass_passkeys WHERE visitor_id = ?", visitorId) > 0;
    }

    static void recordUse(Tx tx, String webauthnId, long signatureCount, Instant now) {
        tx.update("UPDATE pass_passkeys SET signature_count = ?, last_used_at = ? WHERE webauthn_id = ?",
                signatureCount, now.toEpochMilli(), webauthnId);
    }

    /** Deletes a pass's passkeys: when it ends or is erased, the phone's binding goes with it. */
    static int deleteOfVisitor(Tx tx, String visitorId) {
        return tx.update("DELETE FROM pass_passkeys WHERE visitor_id = ?", visitorId);
    }

    static void putCeremony(Tx tx, String id, String ceremony, String visitorId, String requestJson,
            Instant expiresAt, Instant now) {
        tx.update("DELETE FROM pass_ceremonies WHERE expires_at <= ?", now.toEpochMilli());
        if (tx.queryLong("SELECT COUNT(*) FROM pass_ceremonies") >= MAX_WAITING) {
            throw GatehouseException.tooMany("too_many_challenges", "too many passkey ceremonies are waiting; try"
                    + " again in a minute", 60);
        }
        tx.update("INSERT INTO pass_ceremonies (id, ceremony, visitor_id, request_json, expires_at) VALUES (?, ?, ?,"
                + " ?, ?)", id, ceremony, visitorId, requestJson, expiresAt.toEpochMilli());
    }

    /** Removes and returns a waiting ceremony, expired or not; empty when another answer took it first. */
    static Optional<Ceremony> takeCeremony(Tx tx, String id, String ceremony) {
        Optional<Ceremony> taken = tx.queryOne("SELECT visitor_id, request_json, expires_at FROM pass_ceremonies"
                + " WHERE id = ? AND ceremony = ?", rs -> new Ceremony(rs.getString(1), rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3))), id, ceremony);
        if (taken.isPresent() && tx.update("DELETE FROM pass_ceremonies WHERE id = ?", id) == 0) {
            return Optional.empty();
        }
        return taken;
    }

    private static PassPasskey row(ResultSet rs) throws SQLException {
        CredentialId credentialId;
        try {
            credentialId = CredentialId.parse(rs.getString("credential_id"));
        } catch (IllegalArgumentException e) {
            throw GatehouseException.corrupt("the credential id of pass passkey " + rs.getString("webauthn_id"), e);
        }
        return new PassPasskey(rs.getString("webauthn_id"), rs.getString("visitor_id"), credentialId,
                rs.getBytes("user_handle"), rs.getBytes("public_key_cose"), rs.getLong("signature_count"));
    }
}
