package io.gatehouse.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit}: records newest first, filtered by user ({@code userId}, {@code username}, or
 * {@code user} for either) and {@code action}, paged with {@code before} (a record id) and {@code limit}.
 */
public final class AuditController {
    private final Database database;
    private final ReadAccess access;
    private final UserLookup users;

    /**
     * Lets a request read the audit trail, or refuses it. The auth feature decides; it is handed in because auth
     * writes audit records, so this package cannot call it.
     */
    @FunctionalInterface
    public interface ReadAccess {
        void require(Context ctx);
    }

    public AuditController(Database database, ReadAccess access, UserLookup users) {
        this.database = database;
        this.access = access;
        this.users = users;
    }

    /** One record as the API shows it; every member is present, null when the record has no value for it. */
    record RecordView(long id, String eventId, String time, String actor, String action, String user,
            String subject, String result, String reason, String clientAddress, String userAgent, String mode,
            JsonNode details, Long chainPosition) {

        static RecordView of(StoredRecord record) {
            JsonNode details = parseDetails(record.details());
            String mode = details != null && details.hasNonNull("mode") ? details.get("mode").asText() : null;
            return new RecordView(record.id(), record.eventId(), Instant.ofEpochMilli(record.createdAt()).toString(),
                    record.actor(), record.action(), record.subjectUser(), record.subject(), record.result(),
                    record.reason(), record.clientAddress(), record.userAgent(), mode, details, record.chainSeq());
        }

        /**
         * The stored details; text that is not JSON is shown as a string rather than refused, because an audit
         * record whose content was altered must stay readable to whoever investigates it (verification reports it).
         */
        private static JsonNode parseDetails(String details) {
            if (details == null) {
                return null;
            }
            try {
                return Json.MAPPER.readTree(details);
            } catch (IOException e) {
                return Json.MAPPER.getNodeFactory().textNode(details);
            }
        }
    }

    /** A page of records; {@code nextBefore} is null on the last page. */
    record RecordPage(List<RecordView> records, Long nextBefore) {
        static RecordPage of(List<StoredRecord> records, int limit) {
            return new RecordPage(records.stream().map(RecordView::of).toList(),
                    records.size() == limit ? records.get(records.size() - 1).id() : null);
        }
    }

    public void register(Routes routes) {
        routes.get("/api/v1/audit", this::list);
    }

    private void list(Context ctx) {
        access.require(ctx);
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", 100, 1, 1000);
        long before = QueryParams.wholeNumber(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        Optional<String> action = Optional.ofNullable(ctx.queryParam("action"));
        List<StoredRecord> records = switch (userFilter(ctx)) {
            case UserFilter.Nobody nobody -> List.of();
            case UserFilter.Everyone everyone -> database.read(tx -> AuditStore.newestFirst(tx,
                    new AuditStore.Filter(before, Optional.empty(), action, limit)));
            case UserFilter.Id id -> database.read(tx -> AuditStore.newestFirst(tx,
                    new AuditStore.Filter(before, Optional.of(id.userId()), action, limit)));
        };
        ctx.json(RecordPage.of(records, limit));
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
     * told apart by the shape of user ids, which usernames may not take. At most one of the three.
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
                || parameter.getKey().equals("user") && users.looksLikeUserId(value)) {
            return new UserFilter.Id(value);
        }
        return users.idOfUsername(value).<UserFilter>map(UserFilter.Id::new).orElseGet(UserFilter.Nobody::new);
    }
}
