package io.gatehouse.server.kiosk;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * The only class that reads or writes {@code pass_kiosk_state} and {@code pass_bind_links} (migration V27): what the
 * kiosk adds to a visitor's pass. Times are epoch milliseconds.
 */
final class PassKioskStore {
    private PassKioskStore() {
    }

    /** A pass's check-in, if it has one. */
    record CheckIn(Instant at, String by) {
    }

    static void putShortCode(Tx tx, String visitorId, byte[] codeHash) {
        if (tx.update("UPDATE pass_kiosk_state SET short_code_hash = ? WHERE visitor_id = ?", codeHash,
                visitorId) == 0) {
            tx.update("INSERT INTO pass_kiosk_state (visitor_id, short_code_hash) VALUES (?, ?)", visitorId,
                    codeHash);
        }
    }

    static boolean shortCodeTaken(ReadTx tx, byte[] codeHash) {
        return tx.queryLong("SELECT COUNT(*) FROM pass_kiosk_state WHERE short_code_hash = ?", codeHash) > 0;
    }

    static Optional<String> visitorOfShortCode(ReadTx tx, byte[] codeHash) {
        return tx.queryOne("SELECT visitor_id FROM pass_kiosk_state WHERE short_code_hash = ?", rs -> rs.getString(1),
                codeHash);
    }

    static Optional<CheckIn> checkIn(ReadTx tx, String visitorId) {
        return tx.queryOne("SELECT checked_in_at, checked_in_by FROM pass_kiosk_state WHERE visitor_id = ? AND"
                + " checked_in_at IS NOT NULL", rs -> new CheckIn(Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getString(2)), visitorId);
    }

    /** Records the first check-in of a pass; false when it was checked in before (by this or another kiosk). */
    static boolean checkIn(Tx tx, String visitorId, String kioskId, Instant at) {
        if (tx.update("UPDATE pass_kiosk_state SET checked_in_at = ?, checked_in_by = ? WHERE visitor_id = ? AND"
                + " checked_in_at IS NULL", at.toEpochMilli(), kioskId, visitorId) == 1) {
            return true;
        }
        if (tx.queryLong("SELECT COUNT(*) FROM pass_kiosk_state WHERE visitor_id = ?", visitorId) > 0) {
            return false;
        }
        tx.update("INSERT INTO pass_kiosk_state (visitor_id, checked_in_at, checked_in_by) VALUES (?, ?, ?)",
                visitorId, at.toEpochMilli(), kioskId);
        return true;
    }

    /** Forgets a pass's short code: at erasure, and when the pass ends there is nothing left to type it for. */
    static void dropShortCode(Tx tx, String visitorId) {
        tx.update("UPDATE pass_kiosk_state SET short_code_hash = NULL WHERE visitor_id = ?", visitorId);
    }

    static void insertBindLink(Tx tx, byte[] linkHash, String visitorId, Instant expiresAt) {
        tx.update("DELETE FROM pass_bind_links WHERE expires_at <= ?", expiresAt.minusSeconds(86_400).toEpochMilli());
        tx.update("INSERT INTO pass_bind_links (link_hash, visitor_id, expires_at) VALUES (?, ?, ?)", linkHash,
                visitorId, expiresAt.toEpochMilli());
    }

    /** The pass of an unspent, unexpired bind link. */
    static Optional<String> visitorOfBindLink(ReadTx tx, byte[] linkHash, Instant now) {
        return tx.queryOne("SELECT visitor_id FROM pass_bind_links WHERE link_hash = ? AND used_at IS NULL AND"
                + " expires_at > ?", rs -> rs.getString(1), linkHash, now.toEpochMilli());
    }

    /** Spends a bind link; false when another binding spent it first or it expired meanwhile. */
    static boolean spendBindLink(Tx tx, byte[] linkHash, Instant now) {
        return tx.update("UPDATE pass_bind_links SET used_at = ? WHERE link_hash = ? AND used_at IS NULL AND"
                + " expires_at > ?", now.toEpochMilli(), linkHash, now.toEpochMilli()) == 1;
    }

    /**
     * Forgets what binding a pass left: its phone's passkeys, its waiting ceremonies, its bind links and its short
     * code. The check-in time stays (no personal data once the visitor is erased).
     */
    static void eraseOfVisitor(Tx tx, String visitorId) {
        tx.update("DELETE FROM pass_passkeys WHERE visitor_id = ?", visitorId);
        tx.update("DELETE FROM pass_ceremonies WHERE visitor_id = ?", visitorId);
        tx.update("DELETE FROM pass_bind_links WHERE visitor_id = ?", visitorId);
        dropShortCode(tx, visitorId);
    }
}
