package io.gatehouse.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SQLite's group commit adds around the decisions (SQLite only: PostgreSQL commits each decision alone): the
 * work that ends each group, and checkpoints that run beside the writers rather than inside a commit.
 */
class SqliteGroupCommitTest {
    @TempDir
    Path dataDir;
    Database database;

    @BeforeEach
    void open() {
        database = Database.open(ConfigLoader.load(Map.of(), Map.of("data", dataDir.toString())));
        assertThat(database.dialect()).isEqualTo(Dialect.SQLITE);
        database.inTransaction(tx -> tx.update("CREATE TABLE decision_test (id INTEGER PRIMARY KEY, note TEXT)"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void the_finisher_sees_the_groups_writes_and_its_after_commit_work_runs_before_the_answer() {
        List<String> events = new CopyOnWriteArrayList<>();
        database.finishGroupsWith(tx -> {
            long rows = tx.queryLong("SELECT COUNT(*) FROM decision_test");
            tx.update("INSERT INTO decision_test (id, note) VALUES (?, 'finisher')", 1000 + rows);
            events.add("finished with " + rows);
            return () -> events.add("after commit");
        });

        database.decide(tx -> tx.update("INSERT INTO decision_test (id, note) VALUES (1, 'decision')"));
        events.add("answered");

        assertThat(events).containsExactly("finished with 1", "after commit", "answered");
        assertThat(count("SELECT COUNT(*) FROM decision_test WHERE note = 'finisher'")).isEqualTo(1);
    }

    @Test
    void a_failing_finisher_is_rolled_back_alone_and_the_decisions_commit() {
        AtomicLong calls = new AtomicLong();
        database.finishGroupsWith(tx -> {
            calls.incrementAndGet();
            tx.update("INSERT INTO decision_test (id, note) VALUES (999, 'finisher')");
            throw new IllegalStateException("finisher broke");
        });

        int changed = database.decide(tx -> tx.update("INSERT INTO decision_test (id, note) VALUES (1, 'kept')"));

        assertThat(changed).isEqualTo(1);
        assertThat(calls).hasValue(1);
        List<String> notes = database.read(tx -> tx.query("SELECT note FROM decision_test ORDER BY id",
                rs -> rs.getString(1)));
        assertThat(notes).containsExactly("kept");
    }

    @Test
    void commits_leave_checkpoints_to_the_background_and_a_checkpoint_copies_the_frames() {
        assertThat(count("PRAGMA wal_autocheckpoint")).isZero();
        for (int i = 0; i < 20; i++) {
            int id = i;
            database.decide(tx -> tx.update("INSERT INTO decision_test (id, note) VALUES (?, 'x')", id));
        }
        assertThat(database.checkpoint()).isPositive();
        assertThat(count("SELECT COUNT(*) FROM decision_test")).isEqualTo(20);
    }

    private long count(String sql) {
        return database.read(tx -> tx.queryLong(sql));
    }
}
