package io.gatehouse.server.insight;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code GET /api/v1/stats/...}: the aggregates of the console's Overview and Analytics pages (permission
 * {@code audit_read}). Ranges are {@code from} (inclusive) and {@code to} (exclusive), RFC 3339 instants; by default
 * the last 24 hours.
 */
public final class InsightController {
    private final Insights insights;
    private final Authenticator auth;

    public InsightController(Insights insights, Authenticator auth) {
        this.insights = insights;
        this.auth = auth;
    }

    public void register(Routes routes) {
        routes.get("/api/v1/stats/decisions", ctx -> answer(ctx, () -> insights.decisionsPerHour(range(ctx))))
                .get("/api/v1/stats/deny-reasons", ctx -> answer(ctx, () -> insights.denyReasons(range(ctx))))
                .get("/api/v1/stats/doors", ctx -> answer(ctx, () -> insights.doors(range(ctx),
                        (int) QueryParams.wholeNumber(ctx, "limit", 10, 1, 100))))
                .get("/api/v1/stats/devices", ctx -> answer(ctx, insights::devices))
                .get("/api/v1/stats/totp", ctx -> answer(ctx, () -> insights.totpPerHour(range(ctx))))
                .get("/api/v1/stats/today", ctx -> answer(ctx, () -> insights.today(
                        Optional.ofNullable(ctx.queryParam("timeZone")).orElse("UTC"))));
    }

    private void answer(Context ctx, java.util.function.Supplier<Record> computed) {
        auth.require(ctx, Permission.AUDIT_READ);
        ctx.json(computed.get());
    }

    private Insights.Range range(Context ctx) {
        return insights.range(QueryParams.instant(ctx, "from"), QueryParams.instant(ctx, "to"));
    }
}
