package io.gatehouse.server.console;

import io.gatehouse.server.audit.AuditController;
import io.gatehouse.server.audit.AuditExport;
import io.gatehouse.server.audit.AuditFilter;
import io.gatehouse.server.audit.AuditQuery;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.ChainVerification;
import io.gatehouse.server.audit.UserLookup;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's Audit page: the records filtered by person, door, action, result, reason and time, a page of
 * {@link #PAGE} at a time; the state of the chain; and exports of what the filter matches as CSV or JSON Lines.
 * It reads through the same services as {@code GET /api/v1/audit} and its export.
 */
public final class AuditPages {
    static final int PAGE = 50;
    static final List<String> FIELDS = List.of("user", "door", "action", "result", "reason", "from", "to");
    private static final List<String> INSTANTS = List.of("from", "to");

    private final AuditTrail trail;
    private final AuditExport exports;
    private final ChainVerification verification;
    private final UserLookup users;

    public AuditPages(AuditTrail trail, AuditExport exports, ChainVerification verification, UserLookup users) {
        this.trail = trail;
        this.exports = exports;
        this.verification = verification;
        this.users = users;
    }

    /** The badge of a result: granted for what let someone in or through, denied for what refused them. */
    public static String tone(String result) {
        return switch (result) {
            case "grant", "accepted", "success" -> "granted";
            case "deny", "denied", "rejected", "refused", "untrusted", "alert" -> "denied";
            default -> "";
        };
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, "/console/audit", this::list)
                .page(HandlerType.GET, "/console/audit/export", this::export);
    }

    private void list(Context ctx) {
        ConsoleAccess.require(ctx, Permission.AUDIT_READ);
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, FIELDS, INSTANTS);
        long before = QueryParams.wholeNumber(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        AuditTrail.RecordPage page = trail.page(AuditQuery.filter(filters::get, users), before, PAGE);
        String next = page.nextBefore() == null ? null
                : "/console/audit?" + filters.query("before", page.nextBefore().toString());
        ConsolePages.render(ctx, "audit", "Audit", "audit/list", Map.of("records", page.records(),
                "filters", filters, "next", Optional.ofNullable(next), "exportQuery", filters.query(),
                "verification", AuditController.VerificationView.of(verification.current())));
    }

    private void export(Context ctx) throws IOException {
        Principal by = ConsoleAccess.require(ctx, Permission.AUDIT_EXPORT);
        AuditExport.Format format = switch (Optional.ofNullable(ctx.queryParam("format")).orElse("csv")) {
            case "csv" -> AuditExport.Format.CSV;
            case "json" -> AuditExport.Format.JSON;
            default -> throw GatehouseException.invalid("invalid_parameter", "the format must be csv or json");
        };
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, FIELDS, INSTANTS);
        Optional<AuditFilter> filter = AuditQuery.filter(filters::get, users);
        AuditExport.Started started = exports.start(by.actor(), Requests.client(ctx), filter.orElse(AuditFilter.ALL),
                format);
        ctx.status(200);
        ctx.contentType(format.mediaType());
        ctx.header("Content-Disposition", "attachment; filename=\"" + started.fileName() + "\"");
        ctx.header("Cache-Control", "no-store");
        exports.write(filter, format, ctx.res().getOutputStream());
    }
}
