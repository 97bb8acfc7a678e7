package io.gatehouse.server.console;

import io.gatehouse.server.alert.Alerts;
import io.gatehouse.server.alert.Rule;
import io.gatehouse.server.alert.Severity;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code /console/alerts/rules}: every rule of {@link Rule#values()} with its switch, severity, threshold and window,
 * and what each means ({@code alert-rules.properties}, beside this class). Changing a rule needs ALERT_SETTINGS and
 * a fresh user verification: switching a rule off is how an insider would hide what they do next.
 */
public final class AlertRulesPages {
    static final String PATH = AlertsPages.PATH + "/rules";
    private static final Properties MEANINGS = meanings();

    private final Alerts alerts;
    private final ConsoleAccess access;
    private final int maxBody;

    public AlertRulesPages(Alerts alerts, ConsoleAccess access, int maxBody) {
        this.alerts = alerts;
        this.access = access;
        this.maxBody = maxBody;
    }

    /** A window's units as the form offers them, largest first. */
    public enum Unit {
        DAYS(Duration.ofDays(1), "day"), HOURS(Duration.ofHours(1), "hour"), MINUTES(Duration.ofMinutes(1), "minute"),
        SECONDS(Duration.ofSeconds(1), "second");

        private final Duration length;
        private final String word;

        Unit(Duration length, String word) {
            this.length = length;
            this.word = word;
        }

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public String word() {
            return word;
        }

        /** The largest unit that measures {@code window} exactly. */
        static Unit of(Duration window) {
            return Arrays.stream(values()).filter(unit -> window.toSeconds() % unit.length.toSeconds() == 0)
                    .findFirst().orElse(SECONDS);
        }

        static Optional<Unit> parse(String code) {
            return Arrays.stream(values()).filter(unit -> unit.code().equals(code)).findFirst();
        }
    }

    /**
     * A rule as its card shows it.
     *
     * @param thresholdMeaning what the threshold counts; null when the rule does not use it
     */
    public record Row(String code, boolean enabled, String severity, int threshold, long windowAmount, Unit windowUnit,
            String meaning, String thresholdMeaning, String windowMeaning, String defaults) {
        static Row of(Rule.Settings settings, Rule.Settings defaults) {
            String code = settings.rule().code();
            String threshold = MEANINGS.getProperty(code + ".threshold", "");
            Unit unit = Unit.of(settings.window());
            return new Row(code, settings.enabled(), settings.severity().code(), settings.threshold(),
                    settings.window().toSeconds() / unit.length.toSeconds(), unit,
                    MEANINGS.getProperty(code + ".meaning", "See docs/security.md, \"Alerts\"."),
                    threshold.isBlank() ? null : threshold,
                    MEANINGS.getProperty(code + ".window", "the time the threshold is counted over"),
                    (defaults.enabled() ? "on, " : "off, ") + defaults.severity().code() + (threshold.isBlank() ? "" : ", " + defaults.threshold())
                            + ", " + window(defaults.window()));
        }

        public String name() {
            return code.replace('_', ' ');
        }

        /** The window in words: "1 minute", "30 minutes", "365 days". */
        public String window() {
            return windowAmount + " " + windowUnit.word() + (windowAmount == 1 ? "" : "s");
        }

        private static String window(Duration window) {
            Unit unit = Unit.of(window);
            long amount = window.toSeconds() / unit.length.toSeconds();
            return amount + " " + unit.word() + (amount == 1 ? "" : "s");
        }
    }

    /** Whether every rule has its meaning written down: a new rule without one shows a pointer to the docs. */
    static boolean described(Rule rule) {
        return MEANINGS.containsKey(rule.code() + ".meaning") && MEANINGS.containsKey(rule.code() + ".threshold");
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, ctx -> render(ctx, 200, null, null))
                .page(HandlerType.POST, PATH + "/{rule}", this::change);
    }

    private void render(Context ctx, int status, String notice, String error) {
        ConsoleAccess.require(ctx, Permission.ALERTS);
        ConsolePages.render(ctx, status, "alerts/rules", ConsolePages.chrome(ctx, "alerts", "Alert rules", notice,
                error), Map.of("rows", alerts.settings().stream().map(settings -> Row.of(settings,
                alerts.defaults(settings.rule()))).toList(), "severities",
                Arrays.stream(Severity.values()).map(Severity::code).toList(), "units", List.of(Unit.values())));
    }

    private void change(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        Rule rule = Rule.parse(ctx.pathParam("rule")).orElseThrow(() -> GatehouseException.notFound(
                "alert_rule_not_found", "no alert rule '" + Utf8.truncate(ctx.pathParam("rule"), 40) + "'"));
        access.requireFresh(ctx, PATH);
        Rule.Settings changed;
        try {
            changed = alerts.change(rule, new Alerts.SettingsChange(Optional.of(form.checked("enabled")),
                    Optional.of(severity(form.required("severity"))), Optional.ofNullable(form.number("threshold")),
                    window(form)), by, Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            render(ctx, ProblemMapper.status(refused), null, "Rule " + rule.code().replace('_', ' ')
                    + " is unchanged: " + refused.detail());
            return;
        }
        render(ctx, 200, "Rule " + rule.code().replace('_', ' ') + " is saved: " + (changed.enabled() ? "on" : "off")
                + ", " + changed.severity().code() + ".", null);
    }

    private static Severity severity(String code) {
        return Severity.parse(code).orElseThrow(() -> GatehouseException.invalidField("severity", "one of "
                + Arrays.stream(Severity.values()).map(Severity::code).toList(), "'" + Utf8.truncate(code, 40) + "'"));
    }

    /** The window's amount in its unit; absent when the form left the amount out. */
    private static Optional<Duration> window(ConsoleForm form) {
        Integer amount = form.number("windowAmount");
        if (amount == null) {
            return Optional.empty();
        }
        String code = form.text("windowUnit");
        Unit unit = Unit.parse(code == null ? "" : code).orElseThrow(() -> GatehouseException.invalidField(
                "windowUnit", "one of days, hours, minutes, seconds", "'" + Utf8.truncate(String.valueOf(code), 40)
                        + "'"));
        if (amount < 1) {
            throw GatehouseException.invalidField("windowAmount", "a whole number of at least 1", String.valueOf(
                    amount));
        }
        return Optional.of(unit.length.multipliedBy(amount));
    }

    private static Properties meanings() {
        Properties properties = new Properties();
        try (InputStream in = AlertRulesPages.class.getResourceAsStream("alert-rules.properties")) {
            if (in == null) {
                throw new IllegalStateException("alert-rules.properties is missing beside " + AlertRulesPages.class);
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
