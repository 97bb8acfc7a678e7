package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.testing.ServerPerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQLite's plans for the audit queries of the console: each reads a range of an index (the aggregates only the
 * covering index), never the whole log. On SQLite only, whose plans {@code EXPLAIN QUERY PLAN} states plainly;
 * {@link DecisionStatsTest} checks the answers on both databases.
 */
class AuditQueryPlanTest extends ServerPerTest {
    @BeforeEach
    void setUp() {
        assertThat(database.dialect()).isEqualTo(Dialect.SQLITE);
    }

    private String plan(String sql, Object... args) {
        List<String> steps = database.read(tx -> tx.query("EXPLAIN QUERY PLAN " + sql,
                rs -> rs.getString("detail"), args));
        return String.join("\n", steps);
    }

    @Test
    void aggregates_read_the_covering_index_alone() {
        assertThat(plan(AuditCounts.DECISIONS_PER_HOUR, "door.scan", 0L, 1L))
                .contains("USING COVERING INDEX audit_log_outcomes (action=? AND created_at>? AND created_at<?)");
        assertThat(plan(AuditCounts.DECISIONS, "door.scan", 0L, 1L))
                .contains("USING COVERING INDEX audit_log_outcomes (action=? AND created_at>? AND created_at<?)");
        assertThat(plan(AuditCounts.DENY_REASONS, "door.scan", 0L, 1L, "deny"))
                .contains("USING COVERING INDEX audit_log_outcomes (action=? AND created_at>? AND created_at<?)");
        assertThat(plan(AuditCounts.DOORS, "door.scan", 0L, 1L, 10))
                .contains("USING COVERING INDEX audit_log_outcomes (action=? AND created_at>? AND created_at<?)");
        assertThat(plan(AuditCounts.TOTP_PER_HOUR, 0L, 1L))
                .contains("USING INDEX audit_log_outcomes (action=? AND created_at>? AND created_at<?)");
    }

    @Test
    void filtered_pages_start_from_their_index() {
        assertThat(listPlan(filter(Optional.of("door.scan"), Optional.empty())))
                .contains("USING INDEX audit_log_by_action (action=? AND id<?)");
        assertThat(listPlan(filter(Optional.empty(), Optional.of("dor_a"))))
                .contains("USING INDEX audit_log_by_subject (subject=? AND id<?)");
    }

    private static AuditFilter filter(Optional<String> action, Optional<String> door) {
        return new AuditFilter(Optional.empty(), action, door, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private String listPlan(AuditFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE id < ?");
        List<Object> args = new ArrayList<>(List.of(100L));
        filter.appendTo(where, args);
        args.add(10);
        return plan(StoredRecord.SELECT + where + " ORDER BY id DESC LIMIT ?", args.toArray());
    }
}
