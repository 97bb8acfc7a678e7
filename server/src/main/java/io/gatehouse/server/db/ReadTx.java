package io.gatehouse.server.db;

import java.util.List;
import java.util.Optional;

/**
 * The queries of a read handle. {@link Database#read} and {@link Database#readSnapshot} hand out only this: code that
 * reads cannot call a writing method, and the connection behind it is read-only as well (PostgreSQL's read-only
 * transactions, SQLite's {@code query_only}), so that not even a cast lets a read write.
 */
public sealed interface ReadTx permits Tx {
    Dialect dialect();

    <T> Optional<T> queryOne(String sql, Row<T> row, Object... args);

    <T> List<T> query(String sql, Row<T> row, Object... args);

    long queryLong(String sql, Object... args);
}
