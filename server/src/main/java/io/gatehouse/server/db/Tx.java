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
    /** What to do once this transaction is durable; dropped with it when it rolls back. */
    private final List<Runnable> afterCommit = new ArrayList<>();

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

    /**
     * Runs {@code action} once this transaction has committed, on the committing thread; never if it rolls back
     * (for a decision of a group commit: never if the decision's own savepoint is rolled back). For telling others
     * about what is durable now; {@code action} must be quick and must not throw.
     */
    public void afterCommit(Runnable action) {
        requireWritable("after commit");
        afterCommit.add(action);
    }

    /** How many after-commit actions are registered: the commit pipeline marks a decision's start with it. */
    int afterCommitMark() {
        return afterCommit.size();
    }

    /** Forgets the actions registered since {@code mark}: their decision was rolled back to its savepoint. */
    void discardAfterCommit(int mark) {
        afterCommit.subList(mark, afterCommit.size()).clear();
    }

    /** Runs the after-commit actions; one that throws is logged and does not keep the others from running. */
    void runAfterCommit() {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Tx.class).error("an after-commit action failed", e);
            }
        }
        afterCommit.clear();
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
            return rows(rs, row);
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

    /**
     * Statements to send together ({@link #run(Batch)}): one round trip on PostgreSQL, whose driver sends a
     * parameterised multi-statement string as one batch and answers with one result per statement; one statement
     * after another on SQLite, whose driver runs only the first statement of a string (and which is in-process, so
     * a round trip costs nothing there). The statements run in the order they were added; each result is readable
     * once the batch has run.
     */
    public static final class Batch {
        private final List<Entry<?>> entries = new ArrayList<>();
        private final List<Runnable> afterCommit = new ArrayList<>();
        private boolean ran;

        /** Runs {@code action} once the transaction that runs this batch commits; see {@link Tx#afterCommit}. */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        /** Adds a query; its rows once the batch has run. */
        public <T> Result<List<T>> query(String sql, Row<T> row, Object... args) {
            return add(sql, row, args);
        }

        /** Adds an INSERT, UPDATE or DELETE; the number of rows it changed once the batch has run. */
        public Result<Integer> update(String sql, Object... args) {
            return add(sql, null, args);
        }

        private <T> Result<T> add(String sql, Row<?> row, Object... args) {
            if (ran) {
                throw new IllegalStateException("the batch has run already");
            }
            if (sql.contains(";")) {
                throw new IllegalArgumentException("one statement per entry, without ';': " + sql);
            }
            Entry<T> entry = new Entry<>(sql, row, args.clone());
            entries.add(entry);
            return entry.result;
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        boolean writes() {
            return entries.stream().anyMatch(entry -> entry.row == null);
        }
    }

    /** What one statement of a {@link Batch} returned, readable after the batch ran. */
    @FunctionalInterface
    public interface Result<T> {
        /** @throws IllegalStateException before the batch has run */
        T get();

        /** The result seen through {@code mapping}, computed when read. */
        default <R> Result<R> map(java.util.function.Function<? super T, ? extends R> mapping) {
            return () -> mapping.apply(get());
        }
    }

    private static final class Slot<T> implements Result<T> {
        private T value;
        private boolean set;

        @Override
        public T get() {
            if (!set) {
                throw new IllegalStateException("the batch has not run yet");
            }
            return value;
        }

        void set(Object value) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            this.value = typed;
            this.set = true;
        }
    }

    private record Entry<T>(String sql, Row<?> row, Object[] args, Slot<T> result) {
        Entry(String sql, Row<?> row, Object[] args) {
            this(sql, row, args, new Slot<>());
        }
    }

    /**
     * Runs the statements of {@code batch}; see {@link Batch}. A commit observer sees the batch as one entry, its
     * statements joined by {@code ";\n"}, because it is one round trip.
     */
    public void run(Batch batch) {
        if (batch.ran) {
            throw new IllegalStateException("the batch has run already");
        }
        batch.ran = true;
        if (batch.entries.isEmpty()) {
            return;
        }
        runStatements(batch);
        if (!batch.afterCommit.isEmpty()) {
            requireWritable("after commit");
            afterCommit.addAll(batch.afterCommit);
        }
    }

    private void runStatements(Batch batch) {
        String joined = String.join(";\n", batch.entries.stream().map(Entry::sql).toList());
        if (batch.writes()) {
            requireWritable(joined);
        }
        if (dialect == Dialect.SQLITE || batch.entries.size() == 1) {
            noteExecuted(joined);
            for (Entry<?> entry : batch.entries) {
                runAlone(entry);
            }
            return;
        }
        List<Object> args = new ArrayList<>();
        batch.entries.forEach(entry -> args.addAll(java.util.Arrays.asList(entry.args())));
        try (PreparedStatement statement = connection.prepareStatement(joined)) {
            noteExecuted(joined);
            bind(statement, args.toArray());
            boolean isQuery = statement.execute();
            for (Entry<?> entry : batch.entries) {
                if (isQuery != (entry.row() != null)) {
                    throw new DatabaseException("batch result out of step at: " + entry.sql(), null);
                }
                if (isQuery) {
                    try (ResultSet rs = statement.getResultSet()) {
                        entry.result().set(rows(rs, entry.row()));
                    }
                } else {
                    entry.result().set(statement.getUpdateCount());
                }
                isQuery = statement.getMoreResults();
            }
        } catch (SQLException e) {
            throw new DatabaseException("batch failed: " + joined, e);
        }
    }

    private void runAlone(Entry<?> entry) {
        try (PreparedStatement statement = connection.prepareStatement(entry.sql())) {
            bind(statement, entry.args());
            if (entry.row() != null) {
                try (ResultSet rs = statement.executeQuery()) {
                    entry.result().set(rows(rs, entry.row()));
                }
            } else {
                entry.result().set(statement.executeUpdate());
            }
        } catch (SQLException e) {
            throw new DatabaseException("batch statement failed: " + entry.sql(), e);
        }
    }

    private static <T> List<T> rows(ResultSet rs, Row<T> row) throws SQLException {
        List<T> result = new ArrayList<>();
        while (rs.next()) {
            result.add(row.map(rs));
        }
        return result;
    }

    /** Reads a nullable BIGINT column. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
