package io.gatehouse.server.console;

import io.gatehouse.server.access.ReaderHealth;
import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.Severity;
import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.common.Page;
import java.util.List;
import io.gatehouse.server.audit.AuditFilter;
import io.gatehouse.server.audit.AuditStreamController;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.insight.Insights;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The console's Overview: for those who may read the audit log, grants and denies today, the denies of the last
 * 24 hours by reason and by door, the latest reader event alerts, and a live feed of door decisions (server-sent
 * events from the audit feed, on {@code /console/stream} with the session instead of a token); for those who may
 * see alerts, the open alerts by severity. Others see who they are signed in as.
 */
public final class OverviewPages {
    static final int ALERTS = 5;
    private static final Optional<AuditFilter> SCANS = Optional.of(new AuditFilter(Optional.empty(),
            Optional.of("door.scan"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty()));
    private static final Optional<AuditFilter> ALERT_RECORDS = Optional.of(new AuditFilter(Optional.empty(),
            Optional.of("reader.events.alert"), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty()));

    /** How many readers of each kind of trouble the overview lists; the Doors page has them all. */
    static final int READERS = 10;

    private final Insights insights;
    private final AuditTrail trail;
    private final AuditStreamController streams;
    private final Readers readers;
    private final Alerts alerts;

    public OverviewPages(Insights insights, AuditTrail trail, AuditStreamController streams, Readers readers,
            Alerts alerts) {
        this.insights = insights;
        this.trail = trail;
        this.streams = streams;
        this.readers = readers;
        this.alerts = alerts;
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, "/console", this::show)
                .page(HandlerType.GET, "/console/stream", this::stream);
    }

    /** What the overview shows; null parts when the person may not read the audit log. */
    public record Summary(Insights.Today today, Insights.DenyReasons reasons, Insights.DoorRanking doors,
            AuditTrail.RecordPage alerts) {
    }

    /** Readers that need someone: not seen for a while, or holding an out-of-date bundle. */
    public record ReaderTrouble(List<ReaderHealth.View> offline, List<ReaderHealth.View> stale) {
        public boolean none() {
            return offline.isEmpty() && stale.isEmpty();
        }
    }

    private void show(Context ctx) {
        boolean reads = ConsoleAccess.principal(ctx).has(Permission.AUDIT_READ);
        Summary summary = null;
        if (reads) {
            Insights.Range day = insights.range(Optional.empty(), Optional.empty());
            summary = new Summary(insights.today("UTC"), insights.denyReasons(day), insights.doors(day, 5),
                    trail.page(ALERT_RECORDS, Long.MAX_VALUE, ALERTS));
        }
        Optional<ReaderTrouble> trouble = ConsoleAccess.principal(ctx).has(Permission.DOORS_READ)
                ? Optional.of(new ReaderTrouble(troubled("offline"), troubled("stale_bundle"))) : Optional.empty();
        Optional<Map<Severity, Long>> open = ConsoleAccess.principal(ctx).has(Permission.ALERTS)
                ? Optional.of(alerts.openBySeverity()) : Optional.empty();
        ConsolePages.render(ctx, "overview", "Overview", "overview", Map.of("summary", Optional.ofNullable(summary),
                "readers", trouble, "openAlerts", open), reads ? new String[] {"/console/assets/overview.js"} : new String[0]);
    }

    private List<ReaderHealth.View> troubled(String health) {
        return readers.list(Page.of(READERS, null), new ReaderStore.ReaderFilter(Optional.empty(),
                Optional.of(health))).items();
    }

    private void stream(Context ctx) throws IOException {
        ConsoleAccess.require(ctx, Permission.AUDIT_READ);
        streams.stream(ctx, SCANS);
    }
}
