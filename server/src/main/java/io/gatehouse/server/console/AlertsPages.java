package io.gatehouse.server.console;

import io.gatehouse.server.alert.Alert;
import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.Rule;
import io.gatehouse.server.alert.Severity;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@code /console/alerts}: the alerts the rules raised, newest first, filtered by state, rule and severity; each
 * alert's page with its subject, its evidence in the audit log and who moved it on; Acknowledge and Resolve with a
 * note. It calls the same {@link Alerts} as {@code /api/v1/alerts}, which audits each change. The navigation's count
 * of open alerts comes from here too ({@link #OPEN_ALERTS}).
 */
public final class AlertsPages {
    static final String PATH = "/console/alerts";
    /** The request attribute that counts open alerts when a page's chrome asks; only asked for those with ALERTS. */
    static final String OPEN_ALERTS = "gatehouse.console.openAlerts";
    static final int PAGE = 50;
    private static final List<String> FILTERS = List.of("state", "rule", "severity");
    /** The notices a redirect may name: fixed texts, so that no request can make the page say anything else. */
    private static final Map<String, String> NOTICES = Map.of("acknowledged", "The alert is acknowledged: others"
            + " see that someone is on it.", "resolved", "The alert is resolved, with your note.");

    private final Alerts alerts;
    private final Function<String, Optional<String>> usernames;
    private final int maxBody;

    /** @param usernames a person's username by their id, empty when there is no such person (any more) */
    public AlertsPages(Alerts alerts, Function<String, Optional<String>> usernames, int maxBody) {
        this.alerts = alerts;
        this.usernames = usernames;
        this.maxBody = maxBody;
    }

    /** How the pages name an actor of the audit log: a person by their username, anything else (a token) as is. */
    public static String actor(Function<String, Optional<String>> usernames, String actor) {
        return actor.startsWith("user:") ? usernames.apply(actor.substring(5)).orElse(actor) : actor;
    }

    /** What an alert is about, as a page names it: a person, door or reader links to its own page. */
    public record Subject(String kind, String name, String link) {
    }

    /** One audit record an alert names as evidence, and where the Audit page shows it. */
    public record Evidence(long id, String link) {
    }

    /** An alert as the list and its page show it; absent changes are null. */
    public record Row(String id, String rule, String severity, Subject subject, String summary, List<Evidence> evidence,
            String evidenceTrail, String createdAt, String state, String acknowledgedBy, String acknowledgedAt,
            String resolvedBy, String resolvedAt, String note) {
        public boolean open() {
            return "open".equals(state);
        }

        public boolean resolved() {
            return "resolved".equals(state);
        }

        /** A rule's or a state's code as words. */
        public static String words(String code) {
            return code.replace('_', ' ');
        }
    }

    public void register(Routes routes) {
        // Counted only when a page's chrome is drawn for someone who may see alerts: one small query per page.
        routes.before("/console", this::countOpen).before("/console/*", this::countOpen)
                .page(HandlerType.GET, PATH, this::list)
                .page(HandlerType.GET, PATH + "/{id}", this::detail)
                .page(HandlerType.POST, PATH + "/{id}/acknowledge", this::acknowledge)
                .page(HandlerType.POST, PATH + "/{id}/resolve", this::resolve);
    }

    private void countOpen(Context ctx) {
        LongSupplier open = () -> alerts.openBySeverity().values().stream().mapToLong(Long::longValue).sum();
        ctx.attribute(OPEN_ALERTS, open);
    }

    private void list(Context ctx) {
        ConsoleAccess.require(ctx, Permission.ALERTS);
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, FILTERS, List.of());
        Optional<Alert.State> state = Optional.ofNullable(filters.get("state")).map(code -> Alert.State.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "unknown state")));
        Optional<Rule> rule = Optional.ofNullable(filters.get("rule")).map(code -> Rule.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "unknown rule")));
        Optional<Severity> severity = Optional.ofNullable(filters.get("severity")).map(code -> Severity.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "unknown severity")));
        Page.Slice<Alert> slice = alerts.newestFirst(state, rule, severity, Page.of(PAGE, ctx.queryParam("after")));
        Map<String, Object> params = new HashMap<>();
        params.put("rows", slice.items().stream().map(this::row).toList());
        params.put("next", slice.next() == null ? null : PATH + "?" + filters.query("after", slice.next()));
        params.put("filters", filters);
        params.put("states", Arrays.stream(Alert.State.values()).map(Alert.State::code).toList());
        params.put("rules", Arrays.stream(Rule.values()).map(Rule::code).toList());
        params.put("severities", Arrays.stream(Severity.values()).map(Severity::code).toList());
        ConsolePages.render(ctx, 200, "alerts/list", ConsolePages.chrome(ctx, "alerts", "Alerts", null, null),
                params);
    }

    private void detail(Context ctx) {
        ConsoleAccess.require(ctx, Permission.ALERTS);
        String done = ctx.queryParam("done");
        renderDetail(ctx, 200, ctx.pathParam("id"), done == null ? null : NOTICES.get(done), null, "");
    }

    private void acknowledge(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERTS);
        ConsoleForm.of(ctx, maxBody);
        String id = ctx.pathParam("id");
        try {
            alerts.acknowledge(id, by, Requests.client(ctx));
        } catch (GatehouseException refused) {
            renderRefusal(ctx, id, refused, "");
            return;
        }
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(id) + "?done=acknowledged");
    }

    private void resolve(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERTS);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        String id = ctx.pathParam("id");
        String note = form.text("note") == null ? "" : form.text("note").strip();
        try {
            alerts.resolve(id, note, by, Requests.client(ctx));
        } catch (GatehouseException refused) {
            renderRefusal(ctx, id, refused, note);
            return;
        }
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(id) + "?done=resolved");
    }

    /** A refused change shown on the alert's page with what was typed; an unknown alert or a fault is the error page. */
    private void renderRefusal(Context ctx, String id, GatehouseException refused, String note) {
        ProblemMapper.rethrowFaults(refused);
        if (ProblemMapper.status(refused) == 404) {
            throw refused;
        }
        renderDetail(ctx, ProblemMapper.status(refused), id, null, refused.detail(), note);
    }

    private void renderDetail(Context ctx, int status, String id, String notice, String error, String note) {
        Row row = row(alerts.get(id));
        ConsolePages.render(ctx, status, "alerts/detail", ConsolePages.chrome(ctx, "alerts", "Alert: "
                + Row.words(row.rule()), notice, error), Map.of("alert", row, "note", note, "maxNote",
                Alerts.MAX_NOTE));
    }

    private Row row(Alert alert) {
        Subject subject = subject(alert.subject());
        List<Evidence> evidence = alert.evidence().stream().map(id -> new Evidence(id, "/console/audit?before="
                + (id + 1))).toList();
        return new Row(alert.id(), alert.rule().code(), alert.severity().code(), subject, alert.summary(), evidence,
                trail(alert), alert.createdAt().toString(), alert.state().code(),
                alert.acknowledged().map(change -> actor(change.by())).orElse(null),
                alert.acknowledged().map(change -> change.at().toString()).orElse(null),
                alert.resolved().map(change -> actor(change.by())).orElse(null),
                alert.resolved().map(change -> change.at().toString()).orElse(null),
                alert.resolutionNote().orElse(null));
    }

    /**
     * The Audit page filtered to the subject's records up to the newest evidence, where the evidence is among its
     * first rows; null when the subject is not something the Audit page filters by.
     */
    private static String trail(Alert alert) {
        if (alert.evidence().isEmpty()) {
            return null;
        }
        long newest = alert.evidence().stream().mapToLong(Long::longValue).max().orElseThrow();
        String subject = alert.subject();
        String filter = subject.startsWith("user:") ? "user=" + encode(subject.substring(5))
                : subject.startsWith("door:") ? "door=" + encode(subject.substring(5)) : null;
        return filter == null ? null : "/console/audit?" + filter + "&before=" + (newest + 1);
    }

    private Subject subject(String subject) {
        int colon = subject.indexOf(':');
        String kind = colon < 0 ? "" : subject.substring(0, colon);
        String id = subject.substring(colon + 1);
        return switch (kind) {
            case "user" -> usernames.apply(id).map(name -> new Subject("person", name, "/console/people/"
                    + encode(id))).orElse(new Subject("person", id + " (no longer there)", null));
            case "door" -> new Subject("door", id, DoorsPages.ROOT + "/doors/" + encode(id));
            case "reader" -> new Subject("reader", id, DoorsPages.ROOT + "/readers/" + encode(id));
            default -> new Subject(kind.isEmpty() ? "subject" : kind, id, null);
        };
    }

    private String actor(String actor) {
        return actor(usernames, actor);
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
