package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.Instants;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.insight.Insights;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Map;

/**
 * The console's Analytics page: door decisions per hour, deny reasons, the doors with the most denies, active devices
 * by kind and trust, and TOTP failures and lockouts per hour, over a range (the last 24 hours by default). Charts
 * draw from the same numbers the tables under them show ({@link Insights}, as {@code GET /api/v1/stats/...}).
 */
public final class AnalyticsPages {
    private static final List<String> FIELDS = List.of("from", "to");
    private final Insights insights;

    public AnalyticsPages(Insights insights) {
        this.insights = insights;
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, "/console/analytics", this::show);
    }

    /** The numbers of one range, and each as the JSON its chart reads. */
    public record Figures(Insights.DecisionSeries decisions, Insights.DenyReasons reasons, Insights.DoorRanking doors,
            Insights.DeviceCounts devices, Insights.TotpSeries totp) {
        public String json(Object figure) {
            return Json.write(figure);
        }
    }

    private void show(Context ctx) {
        ConsoleAccess.require(ctx, Permission.AUDIT_READ);
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, FIELDS, FIELDS);
        Insights.Range range = insights.range(Instants.parameter("from", filters.get("from")),
                Instants.parameter("to", filters.get("to")));
        Figures figures = new Figures(insights.decisionsPerHour(range), insights.denyReasons(range),
                insights.doors(range, 10), insights.devices(), insights.totpPerHour(range));
        ConsolePages.render(ctx, "analytics", "Analytics", "analytics", Map.of("figures", figures,
                "filters", filters), "/console/assets/echarts.min.js", "/console/assets/analytics.js");
    }
}
