package io.gatehouse.server.audit;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.db.Database;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit}: records newest first, filtered by user ({@code userId}, {@code username}, or
 * {@code user} for either), {@code action}, {@code door}, {@code result}, {@code reason} and a time range
 * ({@code from} inclusive, {@code to} exclusive), paged with {@code before} (a record id) and {@code limit};
 * {@code GET /api/v1/audit/export} writes the same records as a CSV or JSON Lines file; and
 * {@code GET /api/v1/audit/verification} tells the state of the chain.
 */
public final class AuditController {
    private final Database database;
    private final Access read;
    private final Access export;
    private final UserLookup users;
    private final AuditExport exports;
    private final ChainVerification verification;

    /**
     * Lets a request read (or export) the audit trail and names its actor, or refuses it. The auth feature decides;
     * it is handed in because auth writes audit records, so this package cannot call it.
     */
    @FunctionalInterface
    public interface Access {
        /** The actor of the request, as audit records name it. */
        String require(Context ctx);
    }

    public AuditController(Database database, Access read, Access export, UserLookup users, AuditExport exports,
            ChainVerification verification) {
        this.database = database;
        this.read = read;
        this.export = export;
        this.users = users;
        this.exports = exports;
        this.verification = verification;
    }

    /** A page of records; {@code nextBefore} is null on the last page. */
    record RecordPage(List<RecordView> records, Long nextBefore) {
        static RecordPage of(List<StoredRecord> records, int limit) {
            return new RecordPage(records.stream().map(RecordView::of).toList(),
                    records.size() == limit ? records.get(records.size() - 1).id() : null);
        }
    }

    /**
     * The chain's state: {@code intact} or {@code broken} (then {@code brokenAtRecord} names the first record a
     * problem names, when one does, and {@code problems} says what was found), the records not linked yet, and when
     * the verification ran and how long it took.
     */
    record VerificationView(String state, String verifiedAt, long tookMillis, long linkedRecords,
            long pendingRecords, long unsealedTail, long headPosition, Long brokenAtRecord, List<String> problems) {
        static VerificationView of(ChainVerification.Result result) {
            AuditVerifier.AuditReport report = result.report();
            return new VerificationView(report.intact() ? "intact" : "broken", result.verifiedAt().toString(),
                    result.took().toMillis(), report.linkedRecords(), report.pendingRecords(), report.unsealedTail(),
                    report.headPosition(), report.firstSuspectRecord(), report.problems());
        }
    }

    public void register(Routes routes) {
        routes.get("/api/v1/audit", this::list)
                .get("/api/v1/audit/export", this::export)
                .get("/api/v1/audit/verification", this::verification);
    }

    private void list(Context ctx) {
        read.require(ctx);
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", 100, 1, 1000);
        long before = QueryParams.wholeNumber(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        List<StoredRecord> records = filter(ctx, users)
                .map(filter -> database.read(tx -> AuditStore.newestFirst(tx, filter, before, limit)))
                .orElse(List.of());
        ctx.json(RecordPage.of(records, limit));
    }

    private void export(Context ctx) throws IOException {
        String actor = export.require(ctx);
        AuditExport.Format format = format(ctx);
        Optional<AuditFilter> filter = filter(ctx, users);
        AuditExport.Started started = exports.start(actor, Requests.client(ctx), filter.orElse(AuditFilter.ALL),
                format);
        ctx.status(200);
        ctx.contentType(format.mediaType());
        ctx.header("Content-Disposition", "attachment; filename=\"" + started.fileName() + "\"");
        ctx.header("Cache-Control", "no-store");
        exports.write(filter, format, ctx.res().getOutputStream());
    }

    private void verification(Context ctx) {
        read.require(ctx);
        ctx.json(VerificationView.of(verification.current()));
    }

    private static AuditExport.Format format(Context ctx) {
        String raw = Optional.ofNullable(ctx.queryParam("format")).orElse("csv");
        return switch (raw) {
            case "csv" -> AuditExport.Format.CSV;
            case "json" -> AuditExport.Format.JSON;
            default -> throw GatehouseException.invalid("invalid_parameter", "query parameter 'format' must be csv or"
                    + " json, got '" + Utf8.truncate(raw, 40) + "'");
        };
    }

    /**
     * The filter the query parameters give; empty when it names a username that no user has, so that nothing
     * matches.
     */
    static Optional<AuditFilter> filter(Context ctx, UserLookup users) {
        Optional<UserFilter> user = userFilter(ctx, users);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        AuditFilter filter = new AuditFilter(user.get().userId(), text(ctx, "action"), text(ctx, "door"),
                text(ctx, "result"), text(ctx, "reason"), QueryParams.instant(ctx, "from"),
                QueryParams.instant(ctx, "to"));
        return Optional.of(filter);
    }

    private static Optional<String> text(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name));
    }

    /** Whose records a query asks for: everyone's (no id) or one user's. */
    private record UserFilter(Optional<String> userId) {
    }

    /**
     * {@code userId} is an id and {@code username} a name (compared by its case-folded key); {@code user} is either,
     * told apart by the shape of user ids, which usernames may not take. At most one of the three. Empty for a
     * username that no user has.
     */
    private static Optional<UserFilter> userFilter(Context ctx, UserLookup users) {
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
            return Optional.of(new UserFilter(Optional.empty()));
        }
        Map.Entry<String, String> parameter = given.entrySet().iterator().next();
        String value = parameter.getValue();
        if (parameter.getKey().equals("userId")
                || parameter.getKey().equals("user") && users.looksLikeUserId(value)) {
            return Optional.of(new UserFilter(Optional.of(value)));
        }
        return users.idOfUsername(value).map(id -> new UserFilter(Optional.of(id)));
    }
}
