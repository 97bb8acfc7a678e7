package io.gatehouse.server.alert;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The tables {@code webhooks} and {@code webhook_deliveries}. */
final class WebhookStore {
    private static final String DELIVERY_COLUMNS = "id, webhook_id, event, state, attempts, next_attempt_at,"
            + " last_status, last_error, created_at, delivered_at";

    private WebhookStore() {
    }

    /** A webhook with its sealed secret, for sending. */
    record Endpoint(Webhook webhook, byte[] sealedSecret) {
    }

    /** A delivery due for an attempt, with what it sends. */
    record Due(String id, String webhookId, String event, String body, int attempts, long nextAttemptAt) {
    }

    static void insert(Tx tx, Webhook webhook, byte[] sealedSecret) {
        tx.update("INSERT INTO webhooks (id, url, secret_sealed, events, created_by, created_at) VALUES (?, ?, ?, ?,"
                + " ?, ?)", webhook.id(), webhook.url(), sealedSecret, Json.write(webhook.events()),
                webhook.createdBy(), webhook.createdAt().toEpochMilli());
    }

    static Optional<Endpoint> find(ReadTx tx, String id) {
        return tx.queryOne("SELECT id, url, secret_sealed, events, created_by, created_at FROM webhooks WHERE id = ?",
                WebhookStore::endpoint, id);
    }

    static List<Endpoint> all(ReadTx tx) {
        return tx.query("SELECT id, url, secret_sealed, events, created_by, created_at FROM webhooks ORDER BY"
                + " created_at, id", WebhookStore::endpoint);
    }

    static boolean delete(Tx tx, String id) {
        tx.update("DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
        return tx.update("DELETE FROM webhooks WHERE id = ?", id) == 1;
    }

    static void enqueue(Tx tx, String id, String webhookId, String event, String body, long now) {
        tx.update("INSERT INTO webhook_deliveries (id, webhook_id, event, body, state, attempts, next_attempt_at,"
                + " created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)", id, webhookId, event, body, now, now);
    }

    /** Pending deliveries whose attempt is due, oldest first. */
    static List<Due> due(ReadTx tx, long now, int limit) {
        return tx.query("SELECT id, webhook_id, event, body, attempts, next_attempt_at FROM webhook_deliveries"
                + " WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                rs -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        rs.getLong(6)), now, limit);
    }

    /**
     * Claims a due delivery for one attempt by moving its next attempt to {@code leaseUntil}: of two senders (two
     * nodes) only the one whose update changed the row sends; if it dies mid-attempt, the lease runs out and the
     * delivery is due again.
     */
    static boolean claim(Tx tx, Due due, long leaseUntil) {
        return tx.update("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND"
                + " next_attempt_at = ?", leaseUntil, due.id(), due.nextAttemptAt()) == 1;
    }

    static void delivered(Tx tx, String id, int attempts, int status, long now) {
        tx.update("UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, last_status = ?, last_error ="
                + " NULL, delivered_at = ? WHERE id = ?", attempts, status, now, id);
    }

    static void failed(Tx tx, String id, int attempts, Integer status, String error, Long nextAttemptAt) {
        tx.update("UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?,"
                + " next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?", nextAttemptAt == null ? "dead"
                        : "pending", attempts, status, error, nextAttemptAt, id);
    }

    /** A dead delivery back to pending, due now, with its attempts starting over. */
    static boolean retry(Tx tx, String webhookId, String id, long now) {
        return tx.update("UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id"
                + " = ? AND webhook_id = ? AND state = 'dead'", now, id, webhookId) == 1;
    }

    /** Each webhook's deliveries counted by state, pending ones that failed an attempt apart; none: no row. */
    static List<Webhook.Counts> counts(ReadTx tx) {
        return tx.query("SELECT webhook_id, SUM(CASE WHEN state = 'pending' AND attempts = 0 THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN state = 'delivered' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) FROM webhook_deliveries GROUP BY webhook_id",
                rs -> new Webhook.Counts(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5)));
    }

    static Optional<Webhook.Delivery> delivery(ReadTx tx, String webhookId, String id) {
        return tx.queryOne("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries WHERE id = ? AND webhook_id = ?",
                WebhookStore::delivery, id, webhookId);
    }

    static Page.Slice<Webhook.Delivery> deliveries(ReadTx tx, String webhookId, Optional<String> state, Page page) {
        List<Object> args = new ArrayList<>(List.of(webhookId));
        String where = " WHERE webhook_id = ?";
        if (state.isPresent()) {
            where += " AND state = ?";
            args.add(state.get());
        }
        String sql = "SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries" + where
                + page.sql("created_at", true, "id", true, args);
        return page.slice(tx.query(sql, rs -> {
            Webhook.Delivery delivery = delivery(rs);
            return new Page.Keyed<>(delivery, delivery.createdAt().toEpochMilli(), delivery.id());
        }, args.toArray()));
    }

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        List<String> events;
        try {
            events = List.of(Json.MAPPER.readValue(rs.getString("events"), String[].class));
        } catch (IOException | NullPointerException e) {
            throw GatehouseException.corrupt("the events of webhook " + id, e);
        }
        return new Endpoint(new Webhook(id, rs.getString("url"), events, rs.getString("created_by"),
                Instant.ofEpochMilli(rs.getLong("created_at"))), rs.getBytes("secret_sealed"));
    }

    private static Webhook.Delivery delivery(ResultSet rs) throws SQLException {
        Long delivered = Tx.nullableLong(rs, "delivered_at");
        int status = rs.getInt("last_status");
        Optional<Integer> lastStatus = rs.wasNull() ? Optional.empty() : Optional.of(status);
        return new Webhook.Delivery(rs.getString("id"), rs.getString("webhook_id"), rs.getString("event"),
                rs.getString("state"), rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                lastStatus, Optional.ofNullable(rs.getString("last_error")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Optional.ofNullable(delivered).map(Instant::ofEpochMilli));
    }
}
