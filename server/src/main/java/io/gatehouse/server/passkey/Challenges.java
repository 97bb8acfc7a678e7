package io.gatehouse.server.passkey;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Tx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The passkey_challenges table: each ceremony's request, kept on the server from its options to its finish. A
 * challenge is taken (deleted) by the one finish that presents its id, so it can be used once; it expires after
 * {@link #LIFETIME}; and the number that may wait at once is bounded, so that asking for options cannot fill the
 * database.
 */
final class Challenges {
    static final Duration LIFETIME = Duration.ofSeconds(60);
    static final int MAX_WAITING = 10_000;

    enum Ceremony {
        REGISTRATION("registration"), ASSERTION("assertion");

        final String code;

        Ceremony(String code) {
            this.code = code;
        }
    }

    /** A taken challenge: what it was issued for and the request as sent to the browser. */
    record Taken(String subject, String requestJson, long expiresAt) {
    }

    void put(Tx tx, String id, Ceremony ceremony, String subject, String requestJson, long now) {
        tx.update("DELETE FROM passkey_challenges WHERE expires_at <= ?", now);
        if (tx.queryLong("SELECT COUNT(*) FROM passkey_challenges") >= MAX_WAITING) {
            throw GatehouseException.tooMany("too_many_challenges", "too many passkey ceremonies are waiting; try"
                    + " again in a minute", LIFETIME.toSeconds());
        }
        tx.update("INSERT INTO passkey_challenges (id, ceremony, subject, request_json, expires_at) VALUES (?, ?, ?,"
                + " ?, ?)", id, ceremony.code, subject, requestJson, now + LIFETIME.toMillis());
    }

    /**
     * Deletes the waiting challenges issued for any of {@code subjects}, and every expired one; returns how many.
     * A registration's request names its user, so a deletion of the user must not leave it behind until the next
     * ceremony sweeps it.
     */
    int deleteFor(Tx tx, List<String> subjects, long now) {
        int deleted = tx.update("DELETE FROM passkey_challenges WHERE expires_at <= ?", now);
        for (String subject : subjects) {
            deleted += tx.update("DELETE FROM passkey_challenges WHERE subject = ?", subject);
        }
        return deleted;
    }

    /** Removes and returns the challenge {@code id} of {@code ceremony}, whether or not it has expired. */
    Optional<Taken> take(Tx tx, String id, Ceremony ceremony) {
        Optional<Taken> taken = tx.queryOne("SELECT subject, request_json, expires_at FROM passkey_challenges"
                + " WHERE id = ? AND ceremony = ?", rs -> new Taken(rs.getString(1), rs.getString(2), rs.getLong(3)),
                id, ceremony.code);
        if (taken.isPresent() && tx.update("DELETE FROM passkey_challenges WHERE id = ?", id) == 0) {
            return Optional.empty(); // another finish took it first
        }
        return taken;
    }
}
