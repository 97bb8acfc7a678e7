package io.gatehouse.server.totp;

import io.gatehouse.server.common.Ids;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-time recovery codes. Ten per user, 50 random bits each, shown once as {@code abcde-fgh23}. Only a keyed hash
 * is stored (HMAC-SHA256 under a key derived from the master key), so a stolen database alone does not allow an
 * offline search of the 2^50 code space.
 */
public final class RecoveryCodes {
    public static final int COUNT = 10;
    static final int LENGTH = 10;
    private static final String PURPOSE = "recovery-codes";

    private final MasterKeyring keyring;
    private final Clock clock;
    private final SecureRandom random;

    public RecoveryCodes(MasterKeyring keyring, Clock clock, SecureRandom random) {
        this.keyring = keyring;
        this.clock = clock;
        this.random = random;
    }

    /** Replaces every code of the user with {@link #COUNT} new ones and returns them, formatted for display. */
    List<String> regenerate(Tx tx, String userId) {
        long now = clock.millis();
        tx.update("UPDATE recovery_codes SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, userId);
        List<String> codes = new ArrayList<>();
        String keyId = keyring.activeKeyId();
        for (int i = 0; i < COUNT; i++) {
            String code = Ids.randomBase32(random, 8).substring(0, LENGTH);
            tx.update("INSERT INTO recovery_codes (id, user_id, key_id, code_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    Ids.newId(random, "rc"), userId, keyId, hash(keyId, code), now);
            codes.add(code.substring(0, 5) + "-" + code.substring(5));
        }
        return codes;
    }

    void revokeAll(Tx tx, String userId) {
        tx.update("UPDATE recovery_codes SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                clock.millis(), userId);
    }

    static int remaining(Tx tx, String userId) {
        return (int) tx.queryLong("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND revoked_at IS NULL"
                + " AND used_at IS NULL", userId);
    }

    /** A stored code that matched: its id, and whether it was used before. */
    record Match(String id, boolean used) {
    }

    /** Compares {@code normalisedCode} with every current code of the user, each in constant time. */
    Optional<Match> find(ReadTx tx, String userId, String normalisedCode) {
        List<Object[]> rows = tx.query("SELECT id, key_id, code_hash, used_at FROM recovery_codes WHERE user_id = ?"
                + " AND revoked_at IS NULL", rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getBytes(3),
                rs.getObject(4) != null}, userId);
        Match found = null;
        for (Object[] row : rows) {
            // No early exit: every stored code is compared.
            if (MessageDigest.isEqual(hash((String) row[1], normalisedCode), (byte[]) row[2]) && found == null) {
                found = new Match((String) row[0], (Boolean) row[3]);
            }
        }
        return Optional.ofNullable(found);
    }

    boolean hasAny(Tx tx, String userId) {
        return tx.queryLong("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND revoked_at IS NULL",
                userId) > 0;
    }

    private byte[] hash(String keyId, String normalisedCode) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyring.derive(keyId, PURPOSE), "HmacSHA256"));
            return mac.doFinal(normalisedCode.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("HMAC-SHA256 is unavailable", e);
        }
    }
}
