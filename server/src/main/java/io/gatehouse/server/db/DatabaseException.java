package io.gatehouse.server.db;

import io.gatehouse.server.GatehouseException;

/** A database operation failed for a reason the caller cannot fix (connection lost, constraint we did not expect). */
public final class DatabaseException extends GatehouseException {
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
