package io.gatehouse.server;

import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.crypto.MasterKeyChecks;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.install.Installation;
import io.gatehouse.server.ops.OpsController;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
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
            MasterKeyChecks.requireKeysCoverData(database, prepared.keyring(), config.masterKeyFile(), clock);
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
}
