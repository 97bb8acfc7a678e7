package io.gatehouse.server.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.PrivateFiles;
import io.gatehouse.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts that fail on a database of a given kind, named in each test (an SQLite path it cannot open, a PostgreSQL
 * database or user the embedded server refuses): each runs once, whatever database the rest of the suite uses.
 */
class InstallationFailureTest {
    @TempDir
    Path root;
    Path data;

    @BeforeEach
    void configure() {
        data = root.resolve("data");
    }

    @Test
    void a_start_that_fails_after_the_checks_takes_back_the_directory_and_key_it_created() throws Exception {
        Path notAFile = Files.createDirectory(root.resolve("gatehouse.db"),
                PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        GatehouseConfig broken = ConfigLoader.load(Map.of(), Map.of("data", data.toString(), "port", "0",
                "db.url", "jdbc:sqlite:" + notAFile));
        assertThatThrownBy(() -> Gatehouse.start(broken, Clock.systemUTC()))
                .as("the checks pass; opening the database fails").isNotInstanceOf(InstallationException.class);
        assertThat(data).as("the key file, the serve lock and the directory are taken back").doesNotExist();
    }

    @Test
    void a_postgresql_database_that_does_not_exist_is_named_with_the_reason_and_nothing_is_created() {
        String url = TestDatabases.postgres().getJdbcUrl("postgres", "no_such_database");
        GatehouseConfig missing = ConfigLoader.load(Map.of(), Map.of("data", data.toString(), "db.url", url,
                "db.user", "postgres", "db.password", "do-not-print-me"));
        assertThatThrownBy(() -> Gatehouse.start(missing, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining("cannot connect to PostgreSQL database 'no_such_database' on localhost:"
                        + TestDatabases.postgres().getPort() + " as user 'postgres': the database does not exist")
                .message().doesNotContain("do-not-print-me");
        assertThat(data).doesNotExist();
    }

    @Test
    void a_postgresql_user_the_server_refuses_is_named_with_the_reason_and_nothing_is_created() {
        String url = "jdbc:postgresql://localhost:" + TestDatabases.postgres().getPort() + "/postgres";
        GatehouseConfig refused = ConfigLoader.load(Map.of(), Map.of("data", data.toString(), "db.url", url,
                "db.user", "no_such_role", "db.password", "do-not-print-me"));
        assertThatThrownBy(() -> Gatehouse.start(refused, Clock.systemUTC()))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining("as user 'no_such_role': the server refused this user (authentication failed")
                .message().doesNotContain("do-not-print-me");
        assertThat(data).doesNotExist();
    }
}
