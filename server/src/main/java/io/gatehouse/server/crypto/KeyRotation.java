package io.gatehouse.server.crypto;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.http.ClientInfo;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Master key rotation: a new key is appended to the key file and becomes active, then every encrypted secret is
 * re-encrypted under it in one transaction. Older keys stay in the file: audit MACs and recovery-code hashes made
 * under them are checked with the key they name.
 */
public final class KeyRotation {
    private KeyRotation() {
    }

    public record Result(String newKeyId, int reencrypted) {
    }

    /** Sealed columns: table, id column, sealed column, and the context prefix the sealed value is bound to. */
    private static final List<String[]> SEALED = List.of(
            new String[] {"totp_credentials", "id", "secret_ciphertext", "totp-credential:"},
            new String[] {"totp_enrollments", "id", "secret_ciphertext", "totp-enrollment:"},
            new String[] {"server_keys", "key_id", "private_key_ciphertext", "server-key:"});

    public static Result rotate(GatehouseConfig config, Clock clock) {
        SecureRandom random = new SecureRandom();
        Gatehouse.Services.openExisting(config, clock).close();
        MasterKeyring rotated = MasterKeyring.addKey(config.masterKeyFile(), random);
        try (Gatehouse.Services services = Gatehouse.Services.openExisting(config, clock)) {
            SecretBox box = new SecretBox(rotated, random);
            int count = services.database().inTransaction(tx -> {
                int total = 0;
                for (String[] table : SEALED) {
                    List<Object[]> rows = tx.query("SELECT " + table[1] + ", " + table[2] + " FROM " + table[0]
                            + " WHERE " + table[2] + " IS NOT NULL", rs -> new Object[] {rs.getString(1),
                            rs.getBytes(2)});
                    for (Object[] row : rows) {
                        String context = table[3] + row[0];
                        byte[] plain = box.open((byte[]) row[1], context);
                        tx.update("UPDATE " + table[0] + " SET " + table[2] + " = ? WHERE " + table[1] + " = ?",
                                box.seal(plain, context), row[0]);
                        Arrays.fill(plain, (byte) 0);
                        total++;
                    }
                }
                services.audit().append(tx, AuditEvent.of("cli", "keys.rotate", ClientInfo.local("gatehouse admin"
                        + " keys rotate")).detail("activeKey", rotated.activeKeyId()).detail("reencrypted", total)
                        .success());
                return total;
            });
            services.audit().seal(services.database());
            return new Result(rotated.activeKeyId(), count);
        }
    }
}
