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

    /** A sealed column: its table, the table's id column, and the context prefix the sealed value is bound to. */
    private record SealedColumn(String table, String idColumn, String column, String contextPrefix) {
    }

    /** A sealed value as stored, with the id of its row. */
    private record Sealed(String id, byte[] value) {
    }

    /**
     * Every sealed column of the schema. The one place that names other features' tables in SQL: a rotation must
     * reach every secret in one transaction, and the names here are constants, never input.
     */
    private static final List<SealedColumn> SEALED = List.of(
            new SealedColumn("totp_credentials", "id", "secret_ciphertext", "totp-credential:"),
            new SealedColumn("totp_enrollments", "id", "secret_ciphertext", "totp-enrollment:"),
            new SealedColumn("server_keys", "key_id", "private_key_ciphertext", "server-key:"),
            new SealedColumn("minting_keys", "id", "private_key_ciphertext", "minting-key:"),
            new SealedColumn("visitors", "id", "handle_sealed", "visitor-handle:"),
            new SealedColumn("mail_outbox", "id", "content", "mail-outbox:"));

    /** Re-encrypts every sealed value under the active key of {@code box}; returns how many there were. */
    public static int reencrypt(Tx tx, SecretBox box) {
        int total = 0;
        for (SealedColumn sealed : SEALED) {
            List<Sealed> rows = tx.query("SELECT " + sealed.idColumn() + ", " + sealed.column() + " FROM "
                    + sealed.table() + " WHERE " + sealed.column() + " IS NOT NULL",
                    rs -> new Sealed(rs.getString(1), rs.getBytes(2)));
            for (Sealed row : rows) {
                String context = sealed.contextPrefix() + row.id();
                byte[] plain = box.open(row.value(), context);
                tx.update("UPDATE " + sealed.table() + " SET " + sealed.column() + " = ? WHERE "
                        + sealed.idColumn() + " = ?", box.seal(plain, context), row.id());
                Arrays.fill(plain, (byte) 0);
                total++;
            }
        }
        return total;
    }
}
