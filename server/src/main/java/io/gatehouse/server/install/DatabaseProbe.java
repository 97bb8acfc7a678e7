package io.gatehouse.server.install;

import io.gatehouse.server.config.GatehouseConfig;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Looks at the database before anything is created or migrated: can it be reached, and which master keys protect
 * the data it already holds (none for a new database). A PostgreSQL server that cannot be reached is reported with
 * its host, port, database and user and the reason, never with the password.
 */
final class DatabaseProbe {
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    private DatabaseProbe() {
    }

    /** The ids in {@code master_key_checks}; empty when the database or the table does not exist yet. */
    static List<String> keyIdsInDatabase(GatehouseConfig config) {
        if (config.isSqlite()) {
            Path file = sqliteFile(config);
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            try (Connection connection = DriverManager.getConnection(config.databaseUrl())) {
                return keyIds(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
            } catch (SQLException e) {
                throw new InstallationException("cannot read the SQLite database " + file + " (SQLite error "
                        + e.getErrorCode() + "); is it a Gatehouse database?", e);
            }
        }
        Properties properties = new Properties();
        properties.setProperty("user", config.databaseUser());
        properties.setProperty("password", config.databasePassword());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(config.databaseUrl(), properties)) {
            return keyIds(connection, "SELECT 1 WHERE to_regclass(?) IS NOT NULL");
        } catch (SQLException e) {
            throw new InstallationException(unreachable(config, e), e);
        }
    }

    static Path sqliteFile(GatehouseConfig config) {
        return Path.of(config.databaseUrl().substring("jdbc:sqlite:".length())).toAbsolutePath().normalize();
    }

    /** The SQLite database file and the files SQLite keeps beside it. */
    static List<Path> sqliteFiles(GatehouseConfig config) {
        Path database = sqliteFile(config);
        return List.of("", "-wal", "-shm", "-journal").stream()
                .map(suffix -> database.resolveSibling(database.getFileName() + suffix)).toList();
    }

    private static List<String> keyIds(Connection connection, String tableExists) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(tableExists)) {
            exists.setString(1, "master_key_checks");
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
            }
        }
        List<String> ids = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT key_id FROM master_key_checks ORDER BY key_id"); ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static String unreachable(GatehouseConfig config, SQLException e) {
        Properties url = org.postgresql.Driver.parseURL(config.databaseUrl(), null);
        String host = url == null ? "?" : url.getProperty("PGHOST", "?");
        String port = url == null ? "?" : url.getProperty("PGPORT", "5432");
        String database = url == null ? "?" : url.getProperty("PGDBNAME", "?");
        // A user in the URL's query wins over db.user, as it does in the driver.
        String user = url == null ? config.databaseUser() : url.getProperty("user", config.databaseUser());
        return "cannot connect to PostgreSQL database '" + database + "' on " + host + ":" + port + " as user '"
                + user + "': " + reason(e) + "; nothing was created";
    }

    private static String reason(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        switch (state) {
            case "28P01":
                return "the password was refused (authentication failed)";
            case "28000":
                return "the server refused this user (authentication failed: no such role, or pg_hba.conf does not"
                        + " let it in from this host)";
            case "3D000":
                return "the database does not exist on that server";
            case "53300":
                return "the server has no free connection slots";
            case "57P03":
                return "the server is starting up or shutting down";
            default:
                break;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return "unknown host (the name does not resolve)";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof ConnectException) {
                return "connection refused (is PostgreSQL running and listening on that address and port?)";
            }
            if (cause instanceof SocketTimeoutException) {
                return "no answer within " + CONNECT_TIMEOUT_SECONDS + " seconds (timed out)";
            }
        }
        return "the connection failed (SQLSTATE " + (state.isEmpty() ? "unknown" : state) + ")";
    }
}
