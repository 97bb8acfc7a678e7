package io.gatehouse.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/audit}: records newest first, filtered by {@code user} (id or username) and {@code action},
 * paged with {@code before} (a record id) and {@code limit}.
 */
public final class AuditController {
    private final Database database;
    private final Authenticator auth;

    public AuditController(Database database, Authenticator auth) {
        this.database = database;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.get("/api/v1/audit", this::list);
    }

    private void list(Context ctx) {
        auth.require(ctx, Scope.AUDIT_READ);
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", 100, 1, 1000);
        long before = QueryParams.wholeNumber(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        StringBuilder where = new StringBuilder(" WHERE id < ?");
        List<Object> args = new ArrayList<>(List.of(before));
        String user = ctx.queryParam("user");
        if (user != null) {
            String userId = database.read(tx -> tx.queryOne("SELECT id FROM users WHERE id = ? OR username = ?",
                    rs -> rs.getString(1), user, user)).orElse(user);
            where.append(" AND subject_user = ?");
            args.add(userId);
        }
        String action = ctx.queryParam("action");
        if (action != null) {
            where.append(" AND action = ?");
            args.add(action);
        }
        args.add(limit);
        List<StoredRecord> records = database.read(tx -> tx.query(StoredRecord.SELECT + where
                + " ORDER BY id DESC LIMIT ?", StoredRecord::from, args.toArray()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", records.stream().map(AuditController::json).toList());
        body.put("nextBefore", records.size() == limit ? records.get(records.size() - 1).id() : null);
        ctx.json(body);
    }

    private static Map<String, Object> json(StoredRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", record.id());
        json.put("eventId", record.eventId());
        json.put("time", Instant.ofEpochMilli(record.createdAt()).toString());
        json.put("actor", record.actor());
        json.put("action", record.action());
        json.put("user", record.subjectUser());
        json.put("subject", record.subject());
        json.put("result", record.result());
        json.put("reason", record.reason());
        json.put("clientAddress", record.clientAddress());
        json.put("userAgent", record.userAgent());
        JsonNode details = parseDetails(record.details());
        json.put("mode", details != null && details.hasNonNull("mode") ? details.get("mode").asText() : null);
        json.put("details", details);
        json.put("chainPosition", record.chainSeq());
        return json;
    }

    private static JsonNode parseDetails(String details) {
        if (details == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(details);
        } catch (java.io.IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(details);
        }
    }
}
