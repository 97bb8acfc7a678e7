package io.gatehouse.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database a test runs against, chosen by the system property {@code gatehouse.test.db}: {@code sqlite} (the
 * default: a file in the test's data directory) or {@code postgres} (a real PostgreSQL server, started once per JVM,
 * with a fresh database per call).
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    public static String kind() {
        return System.getProperty("gatehouse.test.db", "sqlite");
    }

    public static boolean isPostgres() {
        return "postgres".equals(kind());
    }

    /** Configuration overrides for a new, empty database whose SQLite file (if any) lives in {@code dataDir}. */
    public static Map<String, String> fresh(Path dataDir) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data", dataDir.toString());
        if (isPostgres()) {
            String name = "gatehouse_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
            EmbeddedPostgres server = postgres();
            try (Connection connection = server.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database " + name, e);
            }
            overrides.put("db.url", server.getJdbcUrl("postgres", name));
            overrides.put("db.user", "postgres");
            overrides.put("db.password", "postgres");
        }
        return overrides;
    }

    /** The shared PostgreSQL server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary directory goes with it
                }
            }));
        }
        return postgres;
    }
}
