package io.gatehouse.server.crypto;

import io.gatehouse.server.db.Tx;
import java.util.Arrays;
import java.util.List;

/**
 * The data side of master key rotation: once a new key is appended to the key file and active, every encrypted
 * secret is re-encrypted under it. Older keys stay in the file: audit MACs and recovery-code hashes made under them
 * are checked with the key they name. The command line composes the steps (open, add the key, reopen, re-encrypt
 * and audit in one transaction).
 */
public final class KeyRotation {
    private KeyRotation() {
    }

    /** Sealed columns: table, id column, sealed column, and the context prefix the sealed value is bound to. */
    private static final List<String[]> SEALED = List.of(
            new String[] {"totp_credentials", "id", "secret_ciphertext", "totp-credential:"},
            new String[] {"totp_enrollments", "id", "secret_ciphertext", "totp-enrollment:"},
            new String[] {"server_keys", "key_id", "private_key_ciphertext", "server-key:"},
            new String[] {"minting_keys", "id", "private_key_ciphertext", "minting-key:"},
            new String[] {"visitors", "id", "handle_sealed", "visitor-handle:"},
            new String[] {"mail_outbox", "id", "content", "mail-outbox:"});

    /** Re-encrypts every sealed value under the active key of {@code box}; returns how many there were. */
    public static int reencrypt(Tx tx, SecretBox box) {
        int total = 0;
        for (String[] table : SEALED) {
            List<Object[]> rows = tx.query("SELECT " + table[1] + ", " + table[2] + " FROM " + table[0]
                    + " WHERE " + table[2] + " IS NOT NULL", rs -> new Object[] {rs.getString(1), rs.getBytes(2)});
            for (Object[] row : rows) {
                String context = table[3] + row[0];
                byte[] plain = box.open((byte[]) row[1], context);
                tx.update("UPDATE " + table[0] + " SET " + table[2] + " = ? WHERE " + table[1] + " = ?",
                        box.seal(plain, context), row[0]);
                Arrays.fill(plain, (byte) 0);
                total++;
            }
        }
        return total;
    }
}
