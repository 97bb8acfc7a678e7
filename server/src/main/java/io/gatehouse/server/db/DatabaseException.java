package io.gatehouse.server.db;

import io.gatehouse.server.common.GatehouseException;

/** A database operation failed for a reason the caller cannot fix (connection lost, constraint we did not expect). */
public final class DatabaseException extends GatehouseException {
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the failure is a unique-key violation (PostgreSQL SQLSTATE 23505, SQLite constraint error). */
    public boolean isUniqueViolation() {
        for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && ("23505".equals(sql.getSQLState())
                    || (sql.getMessage() != null && sql.getMessage().contains("UNIQUE constraint failed")))) {
                return true;
            }
        }
        return false;
    }
}
