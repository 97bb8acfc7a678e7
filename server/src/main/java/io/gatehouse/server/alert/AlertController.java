package io.gatehouse.server.alert;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** {@code /api/v1/alerts} and {@code /api/v1/alert-rules}. */
public final class AlertController {
    private final Alerts alerts;
    private final Authenticator auth;
    private final int maxBody;

    public AlertController(Alerts alerts, Authenticator auth, int maxBody) {
        this.alerts = alerts;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    /** An alert as the API, webhooks and the console show it; absent changes are null. */
    public record AlertView(String id, String rule, String severity, String subject, String summary,
            List<Long> evidence, String createdAt, String state, String acknowledgedBy, String acknowledgedAt,
            String resolvedBy, String resolvedAt, String resolutionNote) {
        static AlertView of(Alert alert) {
            return new AlertView(alert.id(), alert.rule().code(), alert.severity().code(), alert.subject(),
                    alert.summary(), alert.evidence(), alert.createdAt().toString(), alert.state().code(),
                    alert.acknowledged().map(Alert.Change::by).orElse(null),
                    alert.acknowledged().map(change -> change.at().toString()).orElse(null),
                    alert.resolved().map(Alert.Change::by).orElse(null),
                    alert.resolved().map(change -> change.at().toString()).orElse(null),
                    alert.resolutionNote().orElse(null));
        }
    }

    record AlertList(List<AlertView> alerts, String next) {
    }

    record ResolveRequest(String note) {
        ResolveRequest {
            Fields.required("note", note, "a string saying what was found");
            if (note.isBlank() || note.length() > Alerts.MAX_NOTE) {
                throw GatehouseException.invalidField("note", "1 to " + Alerts.MAX_NOTE + " characters, not blank",
                        note.length() + " characters");
            }
        }
    }

    record RuleView(String rule, boolean enabled, String severity, int threshold, long windowSeconds) {
        static RuleView of(Rule.Settings settings) {
            return new RuleView(settings.rule().code(), settings.enabled(), settings.severity().code(),
                    settings.threshold(), settings.window().toSeconds());
        }
    }

    record RuleList(List<RuleView> rules) {
    }

    record RuleChange(Boolean enabled, String severity, Integer threshold, Long windowSeconds) {
        Alerts.SettingsChange change() {
            Optional<Severity> parsed = Optional.ofNullable(severity).map(code -> Severity.parse(code).orElseThrow(
                    () -> GatehouseException.invalidField("severity", "one of " + codes(Severity.values(),
                            Severity::code), "'" + Utf8.truncate(code, 40) + "'")));
            return new Alerts.SettingsChange(Optional.ofNullable(enabled), parsed, Optional.ofNullable(threshold),
                    Optional.ofNullable(windowSeconds).map(Duration::ofSeconds));
        }
    }

    public void register(Routes routes) {
        routes.get("/api/v1/alerts", this::list)
                .get("/api/v1/alerts/{id}", ctx -> {
                    auth.require(ctx, Permission.ALERTS);
                    ctx.json(AlertView.of(alerts.get(ctx.pathParam("id"))));
                })
                .post("/api/v1/alerts/{id}/acknowledge", ctx -> {
                    Principal by = auth.require(ctx, Permission.ALERTS);
                    ctx.json(AlertView.of(alerts.acknowledge(ctx.pathParam("id"), by, Requests.client(ctx))));
                })
                .post("/api/v1/alerts/{id}/resolve", ctx -> {
                    Principal by = auth.require(ctx, Permission.ALERTS);
                    ResolveRequest request = Bodies.read(ctx, maxBody, ResolveRequest.class);
                    ctx.json(AlertView.of(alerts.resolve(ctx.pathParam("id"), request.note(), by,
                            Requests.client(ctx))));
                })
                .get("/api/v1/alert-rules", ctx -> {
                    auth.require(ctx, Permission.ALERTS);
                    ctx.json(new RuleList(alerts.settings().stream().map(RuleView::of).toList()));
                })
                .put("/api/v1/alert-rules/{rule}", ctx -> {
                    Principal by = auth.require(ctx, Permission.ALERT_SETTINGS);
                    Rule rule = Rule.parse(ctx.pathParam("rule")).orElseThrow(() -> GatehouseException.notFound(
                            "alert_rule_not_found", "no alert rule '" + Utf8.truncate(ctx.pathParam("rule"), 40)
                                    + "'; the rules are " + codes(Rule.values(), Rule::code)));
                    RuleChange request = Bodies.read(ctx, maxBody, RuleChange.class);
                    ctx.json(RuleView.of(alerts.change(rule, request.change(), by, Requests.client(ctx))));
                });
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.ALERTS);
        Optional<Alert.State> state = Optional.ofNullable(ctx.queryParam("state")).map(text -> Alert.State.parse(text)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "query parameter 'state' must be"
                        + " one of " + codes(Alert.State.values(), Alert.State::code) + ", got '"
                        + Utf8.truncate(text, 40) + "'")));
        Optional<Rule> rule = Optional.ofNullable(ctx.queryParam("rule")).map(text -> Rule.parse(text)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "query parameter 'rule' must be"
                        + " one of " + codes(Rule.values(), Rule::code) + ", got '" + Utf8.truncate(text, 40) + "'")));
        Page.Slice<Alert> slice = alerts.list(state, rule, Requests.page(ctx));
        ctx.json(new AlertList(slice.items().stream().map(AlertView::of).toList(), slice.next()));
    }

    private static <T> String codes(T[] values, Function<T, String> code) {
        return Arrays.stream(values).map(code).toList().toString();
    }
}
