package io.gatehouse.server.audit;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit}: records newest first, filtered by user ({@code userId}, {@code username}, or
 * {@code user} for either), {@code action}, {@code door}, {@code result}, {@code reason} and a time range
 * ({@code from} inclusive, {@code to} exclusive), paged with {@code before} (a record id) and {@code limit};
 * {@code GET /api/v1/audit/export} writes the same records as a CSV or JSON Lines file; and
 * {@code GET /api/v1/audit/verification} tells the state of the chain.
 */
public final class AuditController {
    private final AuditTrail trail;
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

    public AuditController(AuditTrail trail, Access read, Access export, UserLookup users, AuditExport exports,
            ChainVerification verification) {
        this.trail = trail;
        this.read = read;
        this.export = export;
        this.users = users;
        this.exports = exports;
        this.verification = verification;
    }

    /**
     * The chain's state: {@code intact} or {@code broken} (then {@code brokenAtRecord} names the first record a
     * problem names, when one does, and {@code problems} says what was found), the records not linked yet, and when
     * the verification ran and how long it took.
     */
    public record VerificationView(String state, String verifiedAt, long tookMillis, long linkedRecords,
            long pendingRecords, long unsealedTail, long headPosition, Long brokenAtRecord, List<String> problems) {
        public static VerificationView of(ChainVerification.Result result) {
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
        ctx.json(trail.page(filter(ctx, users), before, limit));
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

    /** The filter of the query string; see {@link AuditQuery}. */
    static Optional<AuditFilter> filter(Context ctx, UserLookup users) {
        return AuditQuery.filter(ctx::queryParam, users);
    }
}
