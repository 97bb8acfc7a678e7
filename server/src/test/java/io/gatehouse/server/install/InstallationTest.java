package io.gatehouse.server.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.PrivateFiles;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory as a server finds it and leaves it: private files, no new key beside data that needs the old
 * one, no installation made by a mistyped directory, one server per directory, and nothing created by a refused
 * start.
 */
@DatabaseTest
class InstallationTest {
    @TempDir
    Path root;
    Path data;
    GatehouseConfig config;

    @BeforeEach
    void configure() {
        data = root.resolve("data");
        Map<String, String> overrides = new HashMap<>(TestDatabases.fresh(data));
        overrides.put("port", "0");
        config = ConfigLoader.load(Map.of(), overrides);
    }

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Every entry of the data directory with its mode, and the directory itself under ".". */
    Map<String, String> modes() throws IOException {
        Map<String, String> modes = new TreeMap<>();
        modes.put(".", mode(data));
        try (Stream<Path> entries = Files.list(data)) {
            for (Path entry : entries.toList()) {
                modes.put(entry.getFileName().toString(), mode(entry));
            }
        }
        return modes;
    }

    /** Creates a token and waits until its audit record is linked and the head recorded (by whichever sealer). */
    void writeSomething(Services services) throws InterruptedException {
        services.auth().tokens().create("ops", EnumSet.of(Scope.ADMIN), "test", ClientInfo.local("test"));
        services.core().sealAudit();
        for (int i = 0; i < 100 && !Files.exists(services.core().config().dataDirectory().resolve("audit-head")); i++) {
            Thread.sleep(50);
        }
    }

    void assertAllPrivate() throws IOException {
        assertThat(modes()).allSatisfy((name, mode) -> assertThat(mode).as(name)
                .isEqualTo(name.equals(".") ? "rwx------" : "rw-------"));
    }

    void installAndStop() throws InterruptedException {
        try (Gatehouse gatehouse = Gatehouse.start(config, Clock.systemUTC())) {
            writeSomething(gatehouse.services());
        }
    }

    @Test
    void serve_creates_the_data_directory_0700_and_every_file_in_it_0600_and_they_stay_so_after_restarts()
            throws Exception {
        try (Gatehouse first = Gatehouse.start(config, Clock.systemUTC())) {
            assertThat(first.newInstallation()).isTrue();
            writeSomething(first.services());
            assertThat(modes()).containsKeys("master.key", "audit-head", "serve.lock");
            if (config.isSqlite()) {
                assertThat(modes()).containsKeys("gatehouse.db", "gatehouse.db-wal", "gatehouse.db-shm");
            }
            assertAllPrivate();
        }
        assertAllPrivate();
        try (Gatehouse second = Gatehouse.start(config, Clock.systemUTC())) {
            assertThat(second.newInstallation()).isFalse();
            if (config.isSqlite()) {
                // SQLite recreates the WAL after a checkpoint that truncates it; it must come back private.
                second.services().core().database().read(tx -> tx.query("PRAGMA wal_checkpoint(TRUNCATE)", rs -> 0));
            }
            writeSomething(second.services());
            assertAllPrivate();
        }
        assertAllPrivate();
    }

    @Test
    void a_data_directory_open_to_other_users_is_refused_with_the_command_that_fixes_it_and_nothing_changes()
            throws Exception {
        installAndStop();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> before = modes();
        assertThatThrownBy(() -> Gatehouse.start(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining(data + " is open to other users (permissions rwxr-xr-x); run: chmod 700 " + data);
        assertThatThrownBy(() -> Services.openExisting(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class).hasMessageContaining("chmod 700 " + data);
        assertThat(modes()).isEqualTo(before);
    }

    @Test
    void a_file_in_the_data_directory_open_to_other_users_is_refused_with_the_command_that_fixes_it()
            throws Exception {
        installAndStop();
        Path head = data.resolve("audit-head");
        Path notes = data.resolve("notes.txt");
        Files.setPosixFilePermissions(head, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(notes, "backup taken");
        Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-rw----"));
        Map<String, String> before = modes();
        assertThatThrownBy(() -> Gatehouse.start(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining(head + " is open to other users (permissions rw-r--r--); run: chmod 600 " + head)
                .hasMessageContaining("run: chmod 600 " + notes);
        assertThat(modes()).isEqualTo(before);
    }

    @Test
    void a_database_restored_without_its_key_file_is_refused_and_no_key_file_is_created() throws Exception {
        installAndStop();
        Files.delete(config.masterKeyFile());
        Map<String, String> before = modes();
        assertThatThrownBy(() -> Gatehouse.start(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining("holds data protected by master key(s) [mk1]")
                .hasMessageContaining("restore the key file");
        assertThatThrownBy(() -> Services.openExisting(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class).hasMessageContaining("restore the key file");
        assertThat(config.masterKeyFile()).doesNotExist();
        assertThat(modes()).isEqualTo(before);
    }

    @Test
    void commands_other_than_serve_refuse_a_directory_without_an_installation_and_create_nothing() throws Exception {
        String hint = "no Gatehouse installation in " + data + "; start one with `gatehouse serve --data " + data + "`";
        assertThatThrownBy(() -> Services.openExisting(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class).hasMessage(hint);
        assertThat(data).doesNotExist();

        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        assertThatThrownBy(() -> Services.openExisting(config, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class).hasMessage(hint);
        assertThat(modes()).containsOnlyKeys(".");
    }

    @Test
    void a_second_server_on_the_same_data_directory_is_refused_while_commands_still_work_beside_the_first()
            throws Exception {
        try (Gatehouse first = Gatehouse.start(config, Clock.systemUTC())) {
            Map<String, String> before = modes();
            assertThatThrownBy(() -> Gatehouse.start(config, Clock.systemUTC()))
                    .isInstanceOf(InstallationException.class)
                    .hasMessageStartingWith("another Gatehouse is serving " + data + " (pid "
                            + ProcessHandle.current().pid() + ")");
            assertThat(modes()).isEqualTo(before);
            try (Services command = Services.openExisting(config, Clock.systemUTC())) {
                writeSomething(command);
            }
            assertThat(first.services().core().database().isReachable()).isTrue();
            assertThat(Files.readString(data.resolve("serve.lock")).strip())
                    .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        }
        try (Gatehouse after = Gatehouse.start(config, Clock.systemUTC())) {
            assertThat(after.newInstallation()).isFalse();
        }
    }
}
