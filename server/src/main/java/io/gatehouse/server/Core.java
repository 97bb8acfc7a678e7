package io.gatehouse.server;

import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.crypto.CryptoException;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.install.Installation;
import io.gatehouse.server.ops.OpsController;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What every feature is built from: the configuration, the one clock and source of randomness, the database, the
 * master keys and the audit log. It serves health and metrics, and seals the audit chain.
 */
public record Core(GatehouseConfig config, Clock clock, SecureRandom random, Database database,
        MasterKeyring keyring, SecretBox secrets, AuditLog audit) implements AutoCloseable {

    /**
     * Prepares the installation (a new one gets its key file first), opens and migrates the database and checks the
     * keys against it; what this start created goes again on failure.
     */
    static Core open(Installation installation, Clock clock) {
        GatehouseConfig config = installation.config();
        SecureRandom random = new SecureRandom();
        Installation.Prepared prepared = installation.prepare(random);
        MasterKeyring keyring = prepared.keyring();
        Database database = openCoveredByKeys(config, prepared, clock);
        try {
            return new Core(config, clock, random, database, keyring, new SecretBox(keyring, random),
                    new AuditLog(keyring, clock, random, auditHeadFile(config)));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Database openCoveredByKeys(GatehouseConfig config, Installation.Prepared prepared, Clock clock) {
        Database database = null;
        try {
            database = Database.open(config);
            checkKeysCoverData(database, prepared.keyring(), config, clock);
            return database;
        } catch (RuntimeException e) {
            if (database != null) {
                database.close();
            }
            prepared.undo();
            throw e;
        }
    }

    /** Where this node records the last audit chain head it linked: beside its data, outside the database. */
    public static Path auditHeadFile(GatehouseConfig config) {
        return config.dataDirectory().resolve("audit-head");
    }

    /** Links audit records committed but not yet in the chain. */
    public void sealAudit() {
        audit.seal(database);
    }

    void register(Web web) {
        new OpsController(database, web.registry()).register(web.routes());
        new io.gatehouse.server.ops.ApiDocsController().register(web.routes());
    }

    void schedule(Background background) {
        // Frequent, small sealing passes: each holds SQLite's write lock only briefly.
        background.every("audit sealing", 100, 100, TimeUnit.MILLISECONDS, this::sealAudit);
    }

    @Override
    public void close() {
        database.close();
    }

    /**
     * Refuses to run with a key file that cannot read the data already stored: a fresh key beside an old database
     * would make every stored secret unreadable and every audit record look forged. Each key that has protected
     * data here left a check value (a MAC of a fixed text); each must still match, byte for byte.
     */
    private static void checkKeysCoverData(Database database, MasterKeyring keyring, GatehouseConfig config,
            Clock clock) {
        database.inTransaction(tx -> {
            List<Object[]> checks = tx.query("SELECT key_id, check_mac FROM master_key_checks",
                    rs -> new Object[] {rs.getString(1), rs.getBytes(2)});
            Set<String> checked = new HashSet<>();
            for (Object[] check : checks) {
                String keyId = (String) check[0];
                checked.add(keyId);
                if (!keyring.contains(keyId) || !MessageDigest.isEqual(keyCheck(keyring, keyId), (byte[]) check[1])) {
                    throw new CryptoException("the database holds data protected by master key '" + keyId + "',"
                            + " which " + (keyring.contains(keyId) ? "differs from the key of that id in "
                            : "is not in ") + config.masterKeyFile() + "; restore the right key file or point"
                            + " GATEHOUSE_MASTER_KEY_FILE at it");
                }
            }
            for (String keyId : keyring.keyIds()) {
                if (!checked.contains(keyId)) {
                    tx.update("INSERT INTO master_key_checks (key_id, check_mac, created_at) VALUES (?, ?, ?)",
                            keyId, keyCheck(keyring, keyId), clock.millis());
                }
            }
            return null;
        });
    }

    private static byte[] keyCheck(MasterKeyring keyring, String keyId) {
        return keyring.derive(keyId, "key-check");
    }
}
