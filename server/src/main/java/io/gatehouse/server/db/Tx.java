package io.gatehouse.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One open transaction: small helpers over JDBC so that feature code reads as SQL plus arguments. Arguments may be
 * {@code String}, {@code Long}, {@code Integer}, {@code Boolean}, {@code byte[]} or {@code null} (bound as NULL).
 */
public final class Tx implements ReadTx {
    private final Connection connection;
    private final Dialect dialect;
    /** The statements run so far, kept only while {@link Database#observeCommits} is set; otherwise null. */
    private final List<String> executed;
    private final boolean readOnly;

    Tx(Connection connection, Dialect dialect, List<String> executed) {
        this(connection, dialect, executed, false);
    }

    private Tx(Connection connection, Dialect dialect, List<String> executed, boolean readOnly) {
        this.connection = connection;
        this.dialect = dialect;
        this.executed = executed;
        this.readOnly = readOnly;
    }

    /** A handle whose writing methods refuse: what {@link Database#read} hands out, typed as {@link ReadTx}. */
    static Tx readOnly(Connection connection, Dialect dialect) {
        return new Tx(connection, dialect, null, true);
    }

    List<String> executed() {
        return executed;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    /** The transaction's connection, for the commit pipeline's savepoints. */
    Connection connection() {
        return connection;
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
    public int update(String sql, Object... args) {
        requireWritable(sql);
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("update failed: " + sql, e);
        }
    }

    /** Runs an INSERT whose table has a generated numeric key, and returns that key. */
    public long insertReturningId(String sql, Object... args) {
        requireWritable(sql);
        try (PreparedStatement statement = connection.prepareStatement(sql, new String[] {"id"})) {
            noteExecuted(sql);
            bind(statement, args);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new DatabaseException("insert returned no key: " + sql, null);
                }
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new DatabaseException("insert failed: " + sql, e);
        }
    }

    private void requireWritable(String sql) {
        if (readOnly) {
            throw new DatabaseException("a read handle cannot write: " + sql, null);
        }
    }

    @Override
    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
        List<T> rows = query(sql, row, args);
        if (rows.size() > 1) {
            throw new DatabaseException("expected at most one row, got " + rows.size() + ": " + sql, null);
        }
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    @Override
    public <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rs = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rs.next()) {
                result.add(row.map(rs));
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException("query failed: " + sql, e);
        }
    }

    @Override
    public long queryLong(String sql, Object... args) {
        return queryOne(sql, rs -> rs.getLong(1), args).orElseThrow();
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        noteExecuted(sql);
        bind(statement, args);
        return statement;
    }

    private void noteExecuted(String sql) {
        if (executed != null) {
            executed.add(sql);
        }
    }

    private static void bind(PreparedStatement statement, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            int index = i + 1;
            switch (arg) {
                case null -> statement.setNull(index, Types.NULL);
                case String s -> statement.setString(index, s);
                case Long l -> statement.setLong(index, l);
                case Integer n -> statement.setInt(index, n);
                case Boolean b -> statement.setBoolean(index, b);
                case byte[] bytes -> statement.setBytes(index, bytes);
                default -> throw new IllegalArgumentException(
                        "unsupported SQL argument type " + arg.getClass().getName() + " at position " + index);
            }
        }
    }

    /** Reads a nullable BIGINT column. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
