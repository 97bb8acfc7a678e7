package io.gatehouse.server.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tables of alerts: {@code alerts}, {@code alert_cursor} and {@code alert_rules}. */
final class AlertStore {
    private static final String COLUMNS = "id, rule, severity, subject, summary, evidence, created_at, state,"
            + " acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution_note";

    private AlertStore() {
    }

    /** Inserts the alert unless one with its dedupe key exists; true when this call raised it. */
    static boolean insert(Tx tx, String id, Alert.Raised raised, long now) {
        return tx.update("INSERT INTO alerts (id, rule, severity, subject, dedupe_key, summary, evidence, created_at,"
                + " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING", id,
                raised.rule().code(), raised.severity().code(), raised.subject(), raised.dedupeKey(),
                raised.summary(), Json.write(raised.evidence()), now, Alert.State.OPEN.code()) == 1;
    }

    static Optional<Alert> find(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM alerts WHERE id = ?", AlertStore::alert, id);
    }

    static Optional<Alert> lock(Tx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM alerts WHERE id = ?" + tx.dialect().forUpdate(),
                AlertStore::alert, id);
    }

    /** Alerts oldest first, optionally in one state, a page at a time. */
    static Page.Slice<Alert> list(ReadTx tx, Optional<Alert.State> state, Optional<Rule> rule, Page page) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        state.ifPresent(s -> {
            where.append(" WHERE state = ?");
            args.add(s.code());
        });
        rule.ifPresent(r -> {
            where.append(where.isEmpty() ? " WHERE" : " AND").append(" rule = ?");
            args.add(r.code());
        });
        String sql = "SELECT " + COLUMNS + " FROM alerts" + where
                + page.sql("created_at", true, "id", !where.isEmpty(), args);
        return page.slice(tx.query(sql, rs -> {
            Alert alert = alert(rs);
            return new Page.Keyed<>(alert, alert.createdAt().toEpochMilli(), alert.id());
        }, args.toArray()));
    }

    /** Alerts newest first, optionally in one state, of one rule and of one severity, a page at a time. */
    static Page.Slice<Alert> newestFirst(ReadTx tx, Optional<Alert.State> state, Optional<Rule> rule,
            Optional<Severity> severity, Page page) {
        List<Object> args = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        state.ifPresent(s -> {
            conditions.add("state = ?");
            args.add(s.code());
        });
        rule.ifPresent(r -> {
            conditions.add("rule = ?");
            args.add(r.code());
        });
        severity.ifPresent(s -> {
            conditions.add("severity = ?");
            args.add(s.code());
        });
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        String sql = "SELECT " + COLUMNS + " FROM alerts" + where
                + page.sqlDescending("created_at", true, "id", !where.isEmpty(), args);
        return page.slice(tx.query(sql, rs -> {
            Alert alert = alert(rs);
            return new Page.Keyed<>(alert, alert.createdAt().toEpochMilli(), alert.id());
        }, args.toArray()));
    }

    /** How many alerts are open, by severity; a severity without open alerts is missing. */
    static Map<Severity, Long> openBySeverity(ReadTx tx) {
        Map<Severity, Long> counts = new EnumMap<>(Severity.class);
        tx.query("SELECT severity, COUNT(*) FROM alerts WHERE state = 'open' GROUP BY severity", rs -> Map.entry(
                Severity.parse(rs.getString(1)).orElseThrow(() -> GatehouseException.corrupt(
                        "the severity of an open alert", null)), rs.getLong(2)))
                .forEach(count -> counts.put(count.getKey(), count.getValue()));
        return counts;
    }

    static void acknowledge(Tx tx, String id, String by, long now) {
        tx.update("UPDATE alerts SET state = ?, acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
                Alert.State.ACKNOWLEDGED.code(), by, now, id);
    }

    static void resolve(Tx tx, String id, String by, long now, String note) {
        tx.update("UPDATE alerts SET state = ?, resolved_by = ?, resolved_at = ?, resolution_note = ? WHERE id = ?",
                Alert.State.RESOLVED.code(), by, now, note, id);
    }

    /** The chain position the rules have read up to, without a lock: for a look before taking it. */
    static long cursor(ReadTx tx) {
        return tx.queryOne("SELECT position FROM alert_cursor WHERE id = 1", rs -> rs.getLong(1))
                .orElseThrow(() -> new IllegalStateException("alert_cursor has no row"));
    }

    /** The chain position the rules have read up to, locked until the transaction ends: one reader at a time. */
    static long lockCursor(Tx tx) {
        return tx.queryOne("SELECT position FROM alert_cursor WHERE id = 1" + tx.dialect().forUpdate(),
                rs -> rs.getLong(1)).orElseThrow(() -> new IllegalStateException("alert_cursor has no row"));
    }

    static void moveCursor(Tx tx, long position) {
        tx.update("UPDATE alert_cursor SET position = ? WHERE id = 1", position);
    }

    /** Whether an alert with {@code dedupeKey} was raised (in this transaction too). */
    static boolean exists(ReadTx tx, String dedupeKey) {
        return tx.queryOne("SELECT 1 FROM alerts WHERE dedupe_key = ?", rs -> true, dedupeKey).isPresent();
    }

    /** The rule of the newest alert about {@code subject} raised since {@code sinceMillis} and not resolved. */
    static Optional<String> newestUnresolvedRule(ReadTx tx, String subject, long sinceMillis) {
        return tx.queryOne("SELECT rule FROM alerts WHERE subject = ? AND created_at >= ? AND state <> 'resolved'"
                + " ORDER BY created_at DESC LIMIT 1", rs -> rs.getString(1), subject, sinceMillis);
    }

    static List<Rule.Settings> settings(ReadTx tx) {
        return tx.query("SELECT rule, enabled, severity, threshold, window_seconds FROM alert_rules", rs -> {
            Rule rule = Rule.parse(rs.getString(1)).orElseThrow(() -> GatehouseException.corrupt(
                    "the rule name of an alert rule setting", null));
            Severity severity = Severity.parse(rs.getString(3)).orElseThrow(() -> GatehouseException.corrupt(
                    "the severity of alert rule " + rule.code(), null));
            return new Rule.Settings(rule, rs.getInt(2) != 0, severity, rs.getInt(4),
                    Duration.ofSeconds(rs.getLong(5)));
        });
    }

    static void putSettings(Tx tx, Rule.Settings settings, String by, long now) {
        tx.update("INSERT INTO alert_rules (rule, enabled, severity, threshold, window_seconds, updated_by,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule) DO UPDATE SET enabled ="
                + " excluded.enabled, severity = excluded.severity, threshold = excluded.threshold, window_seconds ="
                + " excluded.window_seconds, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                settings.rule().code(), settings.enabled() ? 1 : 0, settings.severity().code(),
                settings.threshold(), settings.window().toSeconds(), by, now);
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        Rule rule = Rule.parse(rs.getString("rule")).orElseThrow(() -> GatehouseException.corrupt(
                "the rule of alert " + id, null));
        Severity severity = Severity.parse(rs.getString("severity")).orElseThrow(() -> GatehouseException.corrupt(
                "the severity of alert " + id, null));
        Alert.State state = Alert.State.parse(rs.getString("state")).orElseThrow(() -> GatehouseException.corrupt(
                "the state of alert " + id, null));
        List<Long> evidence;
        try {
            evidence = Json.MAPPER.readValue(rs.getString("evidence"), new TypeReference<List<Long>>() { });
        } catch (IOException e) {
            throw GatehouseException.corrupt("the evidence of alert " + id, e);
        }
        return new Alert(id, rule, severity, rs.getString("subject"), rs.getString("summary"), evidence,
                Instant.ofEpochMilli(rs.getLong("created_at")), state,
                change(rs.getString("acknowledged_by"), Tx.nullableLong(rs, "acknowledged_at")),
                change(rs.getString("resolved_by"), Tx.nullableLong(rs, "resolved_at")),
                Optional.ofNullable(rs.getString("resolution_note")));
    }

    private static Optional<Alert.Change> change(String by, Long at) {
        return by == null || at == null ? Optional.empty() : Optional.of(new Alert.Change(by, Instant.ofEpochMilli(at)));
    }
}
