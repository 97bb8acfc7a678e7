package io.gatehouse.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The database a durable benchmark measures: SQLite in its data directory, or an embedded PostgreSQL started with
 * {@code fsync} and {@code synchronous_commit} on (the test helper's server runs without them, which would make
 * "durable" commits free).
 *
 * @param overrides configuration overrides for {@code ConfigLoader.load}
 * @param postgres the PostgreSQL server to close at tear-down, or null for SQLite
 */
record DurableDatabase(Map<String, String> overrides, EmbeddedPostgres postgres) implements AutoCloseable {

    /** Opens {@code db} ("sqlite" or "postgres") for a server whose data directory is {@code dataDir}. */
    static DurableDatabase open(String db, Path dataDir) throws IOException, SQLException {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data", dataDir.toString());
        overrides.put("port", "0");
        overrides.put("bind", "127.0.0.1");
        EmbeddedPostgres postgres = null;
        switch (db) {
            case "sqlite" -> { }
            case "postgres" -> {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .start();
                try (Connection connection = postgres.getPostgresDatabase().getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE gatehouse_bench");
                }
                overrides.put("db.url", postgres.getJdbcUrl("postgres", "gatehouse_bench"));
                overrides.put("db.user", "postgres");
                overrides.put("db.password", "postgres");
            }
            default -> throw new IllegalArgumentException("db: expected sqlite or postgres, got " + db);
        }
        return new DurableDatabase(Map.copyOf(overrides), postgres);
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }
}
