package io.gatehouse.server.install;

import io.gatehouse.server.common.PrivateFiles;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.crypto.MasterKeyring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a start finds at the configured place, looked at before anything is created: the data directory, the master
 * key file, and the master keys the database says protect its data. {@link #inspect} only reads; {@link #prepare}
 * then creates what a new installation lacks. So a refused start leaves nothing behind.
 *
 * <p>An installation exists when the database holds data: every first start records a check value for its master
 * key in {@code master_key_checks}.
 *
 * @param keyIdsInDatabase the master keys that protect data here; empty for a new installation
 */
public record Installation(GatehouseConfig config, boolean directoryExists, boolean keyFileExists,
        List<String> keyIdsInDatabase) {

    public Installation {
        keyIdsInDatabase = List.copyOf(keyIdsInDatabase);
    }

    /**
     * The checks, in order, each refusing with what to do:
     *
     * <ol>
     *   <li>the data directory, when it exists, is a directory, and neither it nor anything in it is open to group or
     *       others (nor the SQLite files, when the database lives elsewhere);</li>
     *   <li>the database can be reached and read;</li>
     *   <li>a database that holds data has its key file: a new key could never read that data.</li>
     * </ol>
     */
    public static Installation inspect(GatehouseConfig config) {
        Path directory = config.dataDirectory();
        boolean directoryExists = Files.isDirectory(directory);
        if (!directoryExists && Files.exists(directory)) {
            throw new InstallationException("the data directory " + directory + " is not a directory");
        }
        // 1. private files
        List<String> exposed = new ArrayList<>();
        if (directoryExists) {
            exposed.addAll(PrivateFiles.exposedIn(directory));
        }
        if (config.isSqlite()) {
            if (!directory.equals(DatabaseProbe.sqliteFile(config).getParent())) {
                DatabaseProbe.sqliteFiles(config).forEach(file -> PrivateFiles.exposed(file).ifPresent(exposed::add));
            }
        }
        if (!exposed.isEmpty()) {
            throw new InstallationException("refusing to use data that other users can reach:\n  "
                    + String.join("\n  ", exposed));
        }
        // 2. the database
        List<String> keyIds = DatabaseProbe.keyIdsInDatabase(config);
        // 3. its key
        boolean keyFileExists = Files.exists(config.masterKeyFile());
        if (!keyIds.isEmpty() && !keyFileExists) {
            throw new InstallationException("the database holds data protected by master key(s) " + keyIds
                    + ", but the master key file " + config.masterKeyFile() + " does not exist; restore the key file"
                    + " from your backup (or point GATEHOUSE_MASTER_KEY_FILE at it). No new key was created: it could"
                    + " not read that data");
        }
        return new Installation(config, directoryExists, keyFileExists, keyIds);
    }

    /** True when the database holds no Gatehouse data yet, so that this start makes a new installation. */
    public boolean isNew() {
        return keyIdsInDatabase.isEmpty();
    }

    /** For every command but {@code serve}: a mistyped {@code --data} must not become a new, empty installation. */
    public void requireExisting() {
        Path directory = config.dataDirectory();
        if (!directoryExists || isNew()) {
            throw new InstallationException("no Gatehouse installation in " + directory + "; start one with"
                    + " `gatehouse serve --data " + directory + "`");
        }
    }

    /** Creates the data directory (0700) when it is missing. */
    public void createDirectory() {
        try {
            PrivateFiles.createDirectories(config.dataDirectory());
        } catch (IOException e) {
            throw new InstallationException("cannot create the data directory " + config.dataDirectory() + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Creates what is missing (the data directory, an empty SQLite file, the key file, all private) and loads the
     * key. Call {@link Prepared#undo} when the start fails before the key protects any data.
     */
    public Prepared prepare(SecureRandom random) {
        createDirectory();
        List<Path> created = new ArrayList<>();
        if (config.isSqlite()) {
            Path database = DatabaseProbe.sqliteFile(config);
            try {
                PrivateFiles.createDirectories(database.getParent());
                if (!Files.exists(database)) {
                    // SQLite gives its -wal and -shm files the mode of the database file: 0600 from here on.
                    PrivateFiles.createFile(database);
                    created.addAll(DatabaseProbe.sqliteFiles(config));
                }
            } catch (IOException e) {
                throw new InstallationException("cannot create the database file " + database + " ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
        if (keyFileExists) {
            return new Prepared(MasterKeyring.load(config.masterKeyFile()), created);
        }
        MasterKeyring keyring = MasterKeyring.create(config.masterKeyFile(), random);
        created.add(config.masterKeyFile());
        return new Prepared(keyring, created);
    }

    /**
     * After a failed start: removes the data directory when this start created it and nothing but its serve lock
     * is left in it.
     */
    public void removeCreatedDirectory() {
        Path directory = config.dataDirectory();
        if (directoryExists) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.allMatch(entry -> entry.getFileName().toString().equals(ServeLock.FILE_NAME))) {
                Files.deleteIfExists(directory.resolve(ServeLock.FILE_NAME));
                Files.delete(directory);
            }
        } catch (IOException leftAlone) {
            // gone already, or something else appeared in it: either way nothing of ours to take back
        }
    }

    /** The loaded keyring, and the files this start created (the SQLite database, the key file). */
    public record Prepared(MasterKeyring keyring, List<Path> createdFiles) {
        public Prepared {
            createdFiles = List.copyOf(createdFiles);
        }

        /** Removes what this start created: no data depends on it yet, and a later start must not find it. */
        public void undo() {
            for (Path file : createdFiles) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the start failed already; the next one reports a file it cannot use
                }
            }
        }
    }
}
