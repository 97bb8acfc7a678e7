package io.gatehouse.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.server.config.GatehouseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The connection pool, migrations and transactions. Feature code calls {@link #inTransaction} for anything that
 * writes (the audit record is written in the same transaction as the change it records) and {@link #read} for
 * plain queries.
 *
 * <p>SQLite allows one writer at a time. Waiting on SQLite's busy handler is slow and unfair under load, so writers
 * in this process queue on a fair lock first; {@code busy_timeout} still covers writers in other processes (the CLI
 * creating a token while the server runs). Commits are durable: WAL with {@code synchronous=FULL}.
 */
public final class Database implements AutoCloseable {
    /** Decisions in one SQLite transaction at most: bounds how long one group holds the write lock. */
    static final int MAX_GROUP = 256;
    /** Decisions waiting for a group at most; beyond that callers wait to enqueue (back pressure). */
    static final int MAX_QUEUED = 4_096;

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final ReentrantLock sqliteWriter = new ReentrantLock(true);
    /** Group commit for decisions on SQLite; null on PostgreSQL, where each decision commits on its own connection. */
    private final CommitPipeline pipeline;
    private volatile Consumer<List<String>> commitObserver;
    private volatile Runnable readObserver;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.pipeline = dialect == Dialect.SQLITE ? new CommitPipeline(this, MAX_GROUP, MAX_QUEUED) : null;
    }

    /** Opens the pool and brings the schema up to date. */
    public static Database open(GatehouseConfig config) {
        Dialect dialect = Dialect.of(config.databaseUrl());
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("gatehouse-db");
        hikari.setMaximumPoolSize(config.databasePoolSize());
        hikari.setAutoCommit(true);
        if (dialect == Dialect.SQLITE) {
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            sqlite.setBusyTimeout(15_000);
            sqlite.enforceForeignKeys(true);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource source = new SQLiteDataSource(sqlite);
            source.setUrl(config.databaseUrl());
            hikari.setDataSource(source);
        } else {
            hikari.setJdbcUrl(config.databaseUrl());
            hikari.setUsername(config.databaseUser());
            hikari.setPassword(config.databasePassword());
        }
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            migrate(pool, dialect);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, dialect);
    }

    private static void migrate(DataSource dataSource, Dialect dialect) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(dialect.migrationPlaceholders())
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(TransactionWork<T> work) {
        boolean locked = dialect == Dialect.SQLITE;
        if (locked) {
            sqliteWriter.lock();
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            Consumer<List<String>> observer = commitObserver;
            try {
                Tx tx = new Tx(connection, dialect, observer == null ? null : new ArrayList<>());
                T result = work.run(tx);
                connection.commit();
                if (observer != null) {
                    observer.accept(List.copyOf(tx.executed()));
                }
                tx.runAfterCommit();
                return result;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException("transaction failed", e);
        } finally {
            if (locked) {
                sqliteWriter.unlock();
            }
        }
    }

    /**
     * Runs a decision (a verification, a scan, an activation, an upload: work that must be durable before its answer
     * leaves) in one transaction of its own as far as the caller can tell: committed when it returns, rolled back
     * alone when it throws. On SQLite, concurrent decisions share one transaction and one fsync (group commit, see
     * {@link CommitPipeline}); on PostgreSQL each commits on its own connection, in parallel with the others.
     */
    public <T> T decide(TransactionWork<T> work) {
        return pipeline != null ? pipeline.submit(work) : inTransaction(work);
    }

    /** The group-commit counters, when this database commits decisions in groups. */
    public java.util.Optional<CommitPipeline.Stats> pipelineStats() {
        return pipeline == null ? java.util.Optional.empty() : java.util.Optional.of(pipeline.stats());
    }

    /** One transaction under the SQLite writer lock: the commit pipeline's groups. */
    void inGroupTransaction(Consumer<Tx> work) {
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /**
     * Tells {@code observer} the statements of every transaction {@link #inTransaction} commits from now on, in the
     * order they ran (each one round trip to the database, the commit another); null stops it. For tests that bound
     * the round trips of a request.
     */
    public void observeCommits(Consumer<List<String>> observer) {
        commitObserver = observer;
    }

    /**
     * Runs {@code observer} on the reading thread each time a read handle ({@link #read}, {@link #readSnapshot}) is
     * opened from now on; null stops it. For tests that bound the connections a request takes.
     */
    public void observeReads(Runnable observer) {
        readObserver = observer;
    }

    private void readOpened() {
        Runnable observer = readObserver;
        if (observer != null) {
            observer.run();
        }
    }

    /** Runs queries on a read handle: it has no writing methods, and its connection refuses writes. */
    public <T> T read(ReadWork<T> work) {
        readOpened();
        try (Connection connection = dataSource.getConnection()) {
            readOnly(connection, true);
            try {
                return work.run(Tx.readOnly(connection, dialect));
            } finally {
                readOnly(connection, false);
            }
        } catch (SQLException e) {
            throw new DatabaseException("query failed", e);
        }
    }

    /**
     * Makes the connection refuse writes, or accept them again before it returns to the pool. PostgreSQL's driver
     * starts read-only transactions; SQLite's driver cannot change the flag of an open connection, so its
     * {@code query_only} pragma does the same.
     */
    private void readOnly(Connection connection, boolean readOnly) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (var statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = " + (readOnly ? "ON" : "OFF"));
            }
        } else {
            connection.setReadOnly(readOnly);
        }
    }

    /**
     * Runs read-only queries that must all see one snapshot (audit verification while servers keep writing):
     * REPEATABLE READ on PostgreSQL, a deferred read transaction on SQLite (which takes no write lock).
     */
    public <T> T readSnapshot(ReadWork<T> work) {
        readOpened();
        try (Connection connection = dataSource.getConnection()) {
            org.sqlite.SQLiteConnection sqlite = dialect == Dialect.SQLITE
                    ? connection.unwrap(org.sqlite.SQLiteConnection.class) : null;
            SQLiteConfig.TransactionMode mode = sqlite == null ? null
                    : sqlite.getConnectionConfig().getTransactionMode();
            if (sqlite != null) {
                sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
            } else {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            readOnly(connection, true);
            connection.setAutoCommit(false);
            try {
                return work.run(Tx.readOnly(connection, dialect));
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
                readOnly(connection, false);
                if (sqlite != null) {
                    sqlite.getConnectionConfig().setTransactionMode(mode);
                } else {
                    connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("snapshot query failed", e);
        }
    }

    /** True when a trivial query answers; used by the readiness probe. */
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
        dataSource.close();
    }

    /** Queries run on a read handle. */
    @FunctionalInterface
    public interface ReadWork<T> {
        T run(ReadTx tx);
    }

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Tx tx);
    }
}
