package io.gatehouse.server.audit;

import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.user.Username;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/audit}: records newest first, filtered by user ({@code userId}, {@code username}, or
 * {@code user} for either) and {@code action},
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
        switch (userFilter(ctx)) {
            case UserFilter.Everyone everyone -> { }
            case UserFilter.Nobody nobody -> {
                ctx.json(page(List.of(), limit));
                return;
            }
            case UserFilter.Id id -> {
                where.append(" AND subject_user = ?");
                args.add(id.userId());
            }
        }
        String action = ctx.queryParam("action");
        if (action != null) {
            where.append(" AND action = ?");
            args.add(action);
        }
        args.add(limit);
        List<StoredRecord> records = database.read(tx -> tx.query(StoredRecord.SELECT + where
                + " ORDER BY id DESC LIMIT ?", StoredRecord::from, args.toArray()));
        ctx.json(page(records, limit));
    }

    private static Map<String, Object> page(List<StoredRecord> records, int limit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", records.stream().map(AuditController::json).toList());
        body.put("nextBefore", records.size() == limit ? records.get(records.size() - 1).id() : null);
        return body;
    }

    /** Whose records a query asks for. */
    private sealed interface UserFilter {
        record Everyone() implements UserFilter {
        }

        /** A username that no user has: nothing matches. */
        record Nobody() implements UserFilter {
        }

        record Id(String userId) implements UserFilter {
        }
    }

    /**
     * {@code userId} is an id and {@code username} a name (compared by its case-folded key); {@code user} is either,
     * told apart by the id prefix {@code usr_}, which usernames may not take. At most one of the three.
     */
    private UserFilter userFilter(Context ctx) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : List.of("userId", "username", "user")) {
            String value = ctx.queryParam(name);
            if (value != null) {
                given.put(name, value);
            }
        }
        if (given.size() > 1) {
            throw GatehouseException.invalid("invalid_parameter", "give at most one of the query parameters userId,"
                    + " username and user; got " + given.keySet());
        }
        if (given.isEmpty()) {
            return new UserFilter.Everyone();
        }
        Map.Entry<String, String> parameter = given.entrySet().iterator().next();
        String value = parameter.getValue();
        if (parameter.getKey().equals("userId")
                || parameter.getKey().equals("user") && Username.looksLikeUserId(value)) {
            return new UserFilter.Id(value);
        }
        return Username.parse(value).flatMap(name -> database.read(tx -> tx.queryOne(
                        "SELECT id FROM users WHERE username_key = ?", rs -> rs.getString(1), name.key())))
                .<UserFilter>map(UserFilter.Id::new).orElseGet(UserFilter.Nobody::new);
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
