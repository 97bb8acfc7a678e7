package io.gatehouse.server.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for decisions (verifications, scans, activations, uploads) on a database with one writer (SQLite).
 *
 * <p>Callers hand their transaction work to {@link #submit} and wait. One writer thread takes whatever work has
 * queued up (up to {@code maxGroup}), runs it in one transaction, each piece inside its own savepoint, and commits
 * once: one fsync for the whole group instead of one per decision. Only then does each caller get its result, so an
 * answer never leaves before its records are durable. A piece that throws is rolled back to its savepoint alone and
 * its caller gets the exception; the others in the group are unaffected. If the commit itself fails, every caller in
 * the group gets the failure and nothing of the group is stored.
 *
 * <p>Groups form by themselves: while one group commits, the next one queues. Under light load a group is one
 * decision and nothing waits; under heavy load the group grows with the arrival rate times the commit time. The
 * order of pieces in a group is the order of arrival, and each piece sees the writes of the pieces before it, so
 * the result is the same as running them one after another.
 */
public final class CommitPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitPipeline.class);

    private final Database database;
    private final int maxGroup;
    private final BlockingQueue<Pending<?>> queue;
    private final Thread writer;
    private volatile boolean closing;

    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong failedDecisions = new AtomicLong();
    private final AtomicLong failedGroups = new AtomicLong();
    private final AtomicLong largestGroup = new AtomicLong();

    /**
     * @param maxGroup the most decisions in one transaction (at least 1); bounds the time a group holds the write
     *     lock and the work lost to a failed commit
     * @param maxQueued the most decisions waiting; a caller beyond that waits to enqueue (back pressure)
     */
    CommitPipeline(Database database, int maxGroup, int maxQueued) {
        if (maxGroup < 1 || maxQueued < maxGroup) {
            throw new IllegalArgumentException("need 1 <= maxGroup <= maxQueued, got " + maxGroup + ", " + maxQueued);
        }
        this.database = database;
        this.maxGroup = maxGroup;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.writer = new Thread(this::run, "gatehouse-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Counters since start, for metrics and benchmarks. */
    public record Stats(long groups, long decisions, long failedDecisions, long failedGroups, long largestGroup) {
        /** Decisions per commit, on average. */
        public double meanGroupSize() {
            return groups == 0 ? 0 : (double) decisions / groups;
        }
    }

    public Stats stats() {
        return new Stats(groups.get(), decisions.get(), failedDecisions.get(), failedGroups.get(), largestGroup.get());
    }

    /**
     * Runs {@code work} in the next group and returns its result once the group is durable.
     *
     * @throws RuntimeException what {@code work} threw (its changes rolled back), or a {@link DatabaseException} when
     *     the group could not be committed (nothing of it is stored)
     * @throws IllegalStateException when called from inside a piece of work (it would wait for itself) or after
     *     {@link #close}
     */
    public <T> T submit(Database.TransactionWork<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("a decision cannot submit another decision from inside its transaction");
        }
        if (closing) {
            throw new IllegalStateException("the commit pipeline is closed");
        }
        Pending<T> pending = new Pending<>(work, new CompletableFuture<>());
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(pending);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            if (closing && !writer.isAlive() && queue.remove(pending)) {
                // Enqueued as the pipeline closed, after its writer had gone: nobody would ever answer it.
                throw new IllegalStateException("the commit pipeline is closed");
            }
            while (true) {
                try {
                    return pending.result().get();
                } catch (InterruptedException e) {
                    // The work is queued or running and cannot be taken back: wait for its outcome regardless.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new DatabaseException("decision failed", cause);
    }

    private void run() {
        List<Pending<?>> group = new ArrayList<>(maxGroup);
        while (true) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                commit(group);
            } catch (InterruptedException e) {
                if (closing) {
                    failAll(new ArrayList<>(queue), new IllegalStateException("the commit pipeline was stopped"));
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.error("commit group failed", e);
                failAll(group, e);
            } finally {
                group.clear();
            }
        }
    }

    /** One transaction for the whole group; each piece in its own savepoint; results handed out after commit. */
    private void commit(List<Pending<?>> group) {
        List<Runnable> answers = new ArrayList<>(group.size());
        try {
            database.inGroupTransaction(tx -> {
                for (Pending<?> pending : group) {
                    answers.add(runInSavepoint(tx.connection(), tx, pending));
                }
            });
        } catch (RuntimeException e) {
            failedGroups.incrementAndGet();
            failAll(group, e);
            return;
        }
        groups.incrementAndGet();
        decisions.addAndGet(group.size());
        largestGroup.accumulateAndGet(group.size(), Math::max);
        answers.forEach(Runnable::run);
    }

    private <T> Runnable runInSavepoint(Connection connection, Tx tx, Pending<T> pending) {
        Savepoint savepoint;
        try {
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            throw new DatabaseException("cannot set a savepoint for a decision", e);
        }
        int afterCommit = tx.afterCommitMark();
        try {
            T result = pending.work().run(tx);
            connection.releaseSavepoint(savepoint);
            return () -> pending.result().complete(result);
        } catch (RuntimeException | Error e) {
            tx.discardAfterCommit(afterCommit);
            try {
                connection.rollback(savepoint);
                connection.releaseSavepoint(savepoint);
            } catch (SQLException rollbackFailure) {
                // The group's state is unknown now: fail the whole group rather than commit half of a decision.
                e.addSuppressed(rollbackFailure);
                throw new DatabaseException("cannot roll a failed decision back to its savepoint", rollbackFailure);
            }
            failedDecisions.incrementAndGet();
            return () -> pending.result().completeExceptionally(e);
        } catch (SQLException e) {
            throw new DatabaseException("cannot release a decision's savepoint", e);
        }
    }

    private static void failAll(List<Pending<?>> group, Throwable cause) {
        for (Pending<?> pending : group) {
            pending.result().completeExceptionally(cause);
        }
    }

    /** Finishes the queued work, then stops the writer thread. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        List<Pending<?>> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, new IllegalStateException("the commit pipeline was closed before this decision ran"));
    }

    private record Pending<T>(Database.TransactionWork<T> work, CompletableFuture<T> result) {
    }
}
