package io.gatehouse.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Database#decide}: each decision behaves as its own transaction (committed when it returns, rolled back
 * alone when it throws), also when many run at once and SQLite groups them into one commit.
 */
@DatabaseTest
class DecisionCommitTest {
    @TempDir
    Path dataDir;
    Database database;

    @BeforeEach
    void open() {
        database = Database.open(ConfigLoader.load(Map.of(), TestDatabases.fresh(dataDir)));
        database.inTransaction(tx -> tx.update("CREATE TABLE decision_test (id INTEGER PRIMARY KEY, note TEXT)"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    private long rows() {
        return database.read(tx -> tx.queryLong("SELECT COUNT(*) FROM decision_test"));
    }

    @Test
    void a_decision_that_returns_is_committed_and_its_result_returned() {
        int changed = database.decide(tx -> tx.update("INSERT INTO decision_test (id, note) VALUES (1, 'a')"));
        assertThat(changed).isEqualTo(1);
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void a_decision_that_throws_leaves_nothing_and_its_caller_gets_the_exception() {
        assertThatThrownBy(() -> database.decide(tx -> {
            tx.update("INSERT INTO decision_test (id, note) VALUES (1, 'a')");
            throw new IllegalArgumentException("refused");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("refused");
        assertThat(rows()).isZero();
    }

    @Test
    void many_concurrent_decisions_each_stand_or_fall_alone() throws Exception {
        int threads = 16;
        int perThread = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> outcomes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            outcomes.add(pool.submit(() -> {
                start.await();
                int failures = 0;
                for (int i = 0; i < perThread; i++) {
                    int id = thread * perThread + i;
                    try {
                        database.decide(tx -> {
                            tx.update("INSERT INTO decision_test (id, note) VALUES (?, ?)", id, "kept");
                            if (id % 3 == 0) {
                                // Writes, then fails: its own rows must go, the neighbours' rows must stay.
                                tx.update("INSERT INTO decision_test (id, note) VALUES (?, ?)", 100_000 + id, "x");
                                throw new IllegalStateException("decision " + id + " fails");
                            }
                            return null;
                        });
                    } catch (IllegalStateException expected) {
                        failures++;
                    }
                }
                return failures;
            }));
        }
        start.countDown();
        int failures = 0;
        for (Future<Integer> outcome : outcomes) {
            failures += outcome.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        int total = threads * perThread;
        int expectedFailures = (total + 2) / 3;
        assertThat(failures).isEqualTo(expectedFailures);
        assertThat(rows()).isEqualTo(total - expectedFailures);
        long failedRows = database.read(tx -> tx.queryLong("SELECT COUNT(*) FROM decision_test WHERE id % 3 = 0"));
        assertThat(failedRows).isZero();
        assertThat(database.pipelineStats().isPresent()).isEqualTo(database.dialect() == Dialect.SQLITE);
        database.pipelineStats().ifPresent(stats -> {
            assertThat(stats.decisions()).isEqualTo(total);
            assertThat(stats.failedDecisions()).isEqualTo(expectedFailures);
            assertThat(stats.groups()).as("16 concurrent callers share commits").isLessThan(total);
        });
    }

    @Test
    void a_decision_sees_the_writes_of_the_decisions_committed_before_it() {
        database.decide(tx -> tx.update("INSERT INTO decision_test (id, note) VALUES (1, 'first')"));
        String note = database.decide(tx -> tx.queryOne("SELECT note FROM decision_test WHERE id = 1",
                rs -> rs.getString(1)).orElseThrow());
        assertThat(note).isEqualTo("first");
    }

    @Test
    void a_decision_cannot_wait_for_another_decision_from_inside_its_transaction() {
        if (database.dialect() != Dialect.SQLITE) {
            return;
        }
        assertThatThrownBy(() -> database.decide(tx -> database.decide(inner -> 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside its transaction");
    }
}
