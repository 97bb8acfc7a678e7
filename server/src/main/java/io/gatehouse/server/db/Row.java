package io.gatehouse.server.db;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads one row; the checked exception stays inside the data layer. */
@FunctionalInterface
public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
}
