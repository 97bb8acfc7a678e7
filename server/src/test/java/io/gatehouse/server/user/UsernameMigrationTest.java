package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestDatabases;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V6 gives existing users their folded key, and copes with names that already differ only by case. */
@DatabaseTest
class UsernameMigrationTest {
    @TempDir
    Path data;

    @Test
    void existing_case_duplicates_keep_their_names_and_only_the_oldest_keeps_the_key() throws SQLException, java.io.IOException {
        Map<String, String> db = TestDatabases.fresh(data);
        String url = db.getOrDefault("db.url", "jdbc:sqlite:" + data.resolve("gatehouse.db"));
        Flyway.configure().dataSource(url, db.get("db.user"), db.get("db.password"))
                .locations("classpath:db/migration").placeholders(Dialect.of(url).migrationPlaceholders())
                .target("4").load().migrate();
        try (Connection connection = DriverManager.getConnection(url, db.get("db.user"), db.get("db.password"));
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO users (id, username, status, created_at, updated_at) VALUES"
                    + " ('usr_b', 'Carol', 'active', 2, 2), ('usr_a', 'carol', 'active', 1, 1),"
                    + " ('usr_c', 'CAROL', 'active', 2, 2), ('usr_d', 'dave', 'active', 3, 3)");
        }
        // Files made here by hand, as an older Gatehouse would have left them: private, as serve requires.
        try (var files = java.nio.file.Files.list(data)) {
            for (java.nio.file.Path file : files.toList()) {
                java.nio.file.Files.setPosixFilePermissions(file,
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }

        try (TestServer server = TestServer.start(data, db)) {
            Map<String, String> keys = new java.util.TreeMap<>();
            server.gatehouse().services().core().database().read(tx -> tx.query("SELECT id, username, username_key FROM"
                    + " users WHERE id IN ('usr_a', 'usr_b', 'usr_c', 'usr_d')", rs -> keys.put(rs.getString(1),
                            rs.getString(2) + " " + rs.getString(3))));

            assertThat(keys).containsExactly(Map.entry("usr_a", "carol carol"),
                    Map.entry("usr_b", "Carol carol#usr_b"), Map.entry("usr_c", "CAROL carol#usr_c"),
                    Map.entry("usr_d", "dave dave"));
            HttpResult again = server.post("/api/v1/users", Map.of("username", "DAVE"));
            assertThat(again.status()).as(again.toString()).isEqualTo(409);
            HttpResult verified = server.post("/api/v1/totp/verify", Map.of("username", "Carol", "code", "123456"));
            assertThat(verified.json().path("reason").asText()).as(verified.toString()).isEqualTo("not_enrolled");
            assertThat(server.get("/api/v1/audit?action=totp.verify").json().at("/records/0/user").asText())
                    .as("the oldest of the duplicates answers to the name").isEqualTo("usr_a");
        }
    }
}
