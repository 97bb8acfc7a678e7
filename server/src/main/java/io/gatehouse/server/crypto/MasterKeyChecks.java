package io.gatehouse.server.crypto;

import io.gatehouse.server.db.Database;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The table {@code master_key_checks}: one check value (a MAC of a fixed text) per master key that has protected data
 * in this database, so that a server refuses to start with a key file that cannot read what is stored.
 */
public final class MasterKeyChecks {
    private record Check(String keyId, byte[] mac) {
    }

    private MasterKeyChecks() {
    }

    /**
     * Refuses to run with a key file that cannot read the data already stored: a fresh key beside an old database
     * would make every stored secret unreadable and every audit record look forged. Each key that has protected
     * data here left a check value; each must still match, byte for byte. Keys of the ring without a check value
     * get one.
     *
     * @param keyFile where the keys were read from, for the message
     * @throws CryptoException when a stored check names a key the ring lacks or one whose value differs
     */
    public static void requireKeysCoverData(Database database, MasterKeyring keyring, Path keyFile, Clock clock) {
        database.inTransaction(tx -> {
            List<Check> checks = tx.query("SELECT key_id, check_mac FROM master_key_checks",
                    rs -> new Check(rs.getString(1), rs.getBytes(2)));
            Set<String> checked = new HashSet<>();
            for (Check check : checks) {
                checked.add(check.keyId());
                // 1. the ring holds the key, 2. and it is the same key
                if (!keyring.contains(check.keyId())
                        || !MessageDigest.isEqual(checkValue(keyring, check.keyId()), check.mac())) {
                    throw new CryptoException("the database holds data protected by master key '" + check.keyId()
                            + "', which " + (keyring.contains(check.keyId()) ? "differs from the key of that id in "
                            : "is not in ") + keyFile + "; restore the right key file or point"
                            + " GATEHOUSE_MASTER_KEY_FILE at it");
                }
            }
            for (String keyId : keyring.keyIds()) {
                if (!checked.contains(keyId)) {
                    tx.update("INSERT INTO master_key_checks (key_id, check_mac, created_at) VALUES (?, ?, ?)",
                            keyId, checkValue(keyring, keyId), clock.millis());
                }
            }
            return null;
        });
    }

    private static byte[] checkValue(MasterKeyring keyring, String keyId) {
        return keyring.derive(keyId, "key-check");
    }
}
