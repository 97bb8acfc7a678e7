package io.gatehouse.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tx.Batch}: statements sent together give each its own result, in order, and count as one round trip. */
@DatabaseTest
class StatementBatchTest {
    @TempDir
    Path dataDir;
    Database database;

    @BeforeEach
    void open() {
        database = Database.open(ConfigLoader.load(Map.of(), TestDatabases.fresh(dataDir)));
        database.inTransaction(tx -> tx.update("CREATE TABLE batch_test (id INTEGER PRIMARY KEY, note TEXT)"));
        database.inTransaction(tx -> tx.update("INSERT INTO batch_test (id, note) VALUES (1, 'one'), (2, 'two')"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void queries_and_updates_of_one_batch_answer_in_order_and_are_observed_as_one_round_trip() {
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        database.observeCommits(committed::add);

        List<Object> results = database.inTransaction(tx -> {
            Tx.Batch batch = new Tx.Batch();
            Tx.Result<List<String>> before = batch.query("SELECT note FROM batch_test WHERE id > ? ORDER BY id",
                    rs -> rs.getString(1), 0);
            Tx.Result<Integer> inserted = batch.update("INSERT INTO batch_test (id, note) VALUES (?, ?)", 3, null);
            Tx.Result<Integer> ignored = batch.update("INSERT INTO batch_test (id, note) VALUES (?, ?)"
                    + " ON CONFLICT (id) DO NOTHING", 1, "again");
            Tx.Result<Optional<String>> none = batch.query("SELECT note FROM batch_test WHERE id = ?",
                    rs -> rs.getString(1), 99).map(rows -> rows.stream().findFirst());
            Tx.Result<Long> count = batch.query("SELECT COUNT(*) FROM batch_test", rs -> rs.getLong(1))
                    .map(rows -> rows.get(0));
            assertThatThrownBy(before::get).isInstanceOf(IllegalStateException.class);
            tx.run(batch);
            return List.of(before.get(), inserted.get(), ignored.get(), none.get(), count.get());
        });
        database.observeCommits(null);

        assertThat(results).containsExactly(List.of("one", "two"), 1, 0, Optional.empty(), 3L);
        assertThat(committed).singleElement().satisfies(statements -> assertThat(statements).singleElement()
                .satisfies(sql -> assertThat(sql).startsWith("SELECT note").contains(";\nINSERT INTO batch_test")
                        .endsWith("SELECT COUNT(*) FROM batch_test")));
    }

    @Test
    void a_failing_statement_fails_the_batch_and_its_transaction() {
        assertThatThrownBy(() -> database.inTransaction(tx -> {
            Tx.Batch batch = new Tx.Batch();
            batch.update("INSERT INTO batch_test (id, note) VALUES (?, ?)", 3, "kept only with the others");
            batch.update("INSERT INTO batch_test (id, note) VALUES (?, ?)", 1, "taken");
            tx.run(batch);
            return null;
        })).isInstanceOf(DatabaseException.class).satisfies(e -> assertThat(((DatabaseException) e)
                .isUniqueViolation()).isTrue());
        long rows = database.read(tx -> tx.queryLong("SELECT COUNT(*) FROM batch_test"));
        assertThat(rows).isEqualTo(2);
    }

    @Test
    void a_batch_runs_once_and_holds_one_statement_per_entry() {
        database.inTransaction(tx -> {
            Tx.Batch batch = new Tx.Batch();
            batch.query("SELECT 1", rs -> rs.getInt(1));
            tx.run(batch);
            assertThatThrownBy(() -> tx.run(batch)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> batch.update("DELETE FROM batch_test")).isInstanceOf(
                    IllegalStateException.class);
            return null;
        });
        assertThatThrownBy(() -> new Tx.Batch().update("DELETE FROM batch_test; DELETE FROM users"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
