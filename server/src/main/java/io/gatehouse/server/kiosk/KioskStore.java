package io.gatehouse.server.kiosk;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The only class that reads or writes {@code kiosks} (migration V27). Times are epoch milliseconds. */
final class KioskStore {
    private static final String COLUMNS = "id, name, state, pairing_expires_at, failed_codes, locked_until,"
            + " created_by, created_at, paired_at, last_seen_at, revoked_at";

    private KioskStore() {
    }

    static void insert(Tx tx, String id, String name, byte[] pairingHash, Instant pairingExpiresAt, String createdBy,
            Instant now) {
        tx.update("INSERT INTO kiosks (id, name, state, pairing_hash, pairing_expires_at, created_by, created_at)"
                + " VALUES (?, ?, 'pending', ?, ?, ?, ?)", id, name, pairingHash, pairingExpiresAt.toEpochMilli(),
                createdBy, now.toEpochMilli());
    }

    static Optional<Kiosk> byId(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM kiosks WHERE id = ?", KioskStore::row, id);
    }

    static Optional<Kiosk> byPairingHash(ReadTx tx, byte[] pairingHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM kiosks WHERE pairing_hash = ?", KioskStore::row,
                pairingHash);
    }

    static Optional<Kiosk> bySecretHash(ReadTx tx, byte[] secretHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM kiosks WHERE secret_hash = ?", KioskStore::row, secretHash);
    }

    static List<Kiosk> all(ReadTx tx) {
        return tx.query("SELECT " + COLUMNS + " FROM kiosks ORDER BY created_at DESC, id", KioskStore::row);
    }

    /**
     * Spends a pending kiosk's pairing link and stores its credential's hash: a conditional UPDATE, so that of two
     * browsers opening the same link only one pairs. False when the link was spent, revoked or has expired.
     */
    static boolean pair(Tx tx, String id, byte[] secretHash, Instant now) {
        return tx.update("UPDATE kiosks SET state = 'paired', pairing_hash = NULL, pairing_expires_at = NULL,"
                + " secret_hash = ?, paired_at = ?, last_seen_at = ? WHERE id = ? AND state = 'pending' AND"
                + " pairing_expires_at > ?", secretHash, now.toEpochMilli(), now.toEpochMilli(), id,
                now.toEpochMilli()) == 1;
    }

    /** Ends a kiosk at once; its pairing link and credential stop working in the same statement. */
    static boolean revoke(Tx tx, String id, Instant now) {
        return tx.update("UPDATE kiosks SET state = 'revoked', pairing_hash = NULL, pairing_expires_at = NULL,"
                + " secret_hash = NULL, revoked_at = ? WHERE id = ? AND state <> 'revoked'", now.toEpochMilli(),
                id) == 1;
    }

    static void seen(Tx tx, String id, Instant now) {
        tx.update("UPDATE kiosks SET last_seen_at = ? WHERE id = ?", now.toEpochMilli(), id);
    }

    /**
     * Counts a wrong short code; the {@code limit}-th in a row locks code entry until {@code lockUntil} and starts
     * the count again. Returns the row as it is after the change.
     */
    static Kiosk codeFailed(Tx tx, String id, int limit, Instant lockUntil) {
        tx.update("UPDATE kiosks SET failed_codes = failed_codes + 1 WHERE id = ?", id);
        tx.update("UPDATE kiosks SET failed_codes = 0, locked_until = ? WHERE id = ? AND failed_codes >= ?",
                lockUntil.toEpochMilli(), id, limit);
        return byId(tx, id).orElseThrow();
    }

    static void codeAccepted(Tx tx, String id) {
        tx.update("UPDATE kiosks SET failed_codes = 0, locked_until = NULL WHERE id = ?", id);
    }

    private static Kiosk row(ResultSet rs) throws SQLException {
        Kiosk.State state;
        try {
            state = Kiosk.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GatehouseException.corrupt("kiosk state '" + rs.getString("state") + "'", e);
        }
        return new Kiosk(rs.getString("id"), rs.getString("name"), state,
                instant(rs, "pairing_expires_at"), rs.getInt("failed_codes"), instant(rs, "locked_until"),
                rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "paired_at"),
                instant(rs, "last_seen_at"), instant(rs, "revoked_at"));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(Tx.nullableLong(rs, column)).map(Instant::ofEpochMilli);
    }
}
