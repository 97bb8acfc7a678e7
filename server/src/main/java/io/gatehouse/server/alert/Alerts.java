package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerts: raised by the rules ({@link AlertEngine}), listed, acknowledged and resolved by people, delivered through
 * the {@link Webhooks} in the transaction that raises them. Every change a person makes is audited.
 */
public final class Alerts {
    /** Longest resolution note kept. */
    public static final int MAX_NOTE = 2000;

    private final Map<Rule, Rule.Settings> defaults;
    private final Database database;
    private final AuditLog audit;
    private final Webhooks webhooks;
    private final Clock clock;
    private final SecureRandom random;
    private final List<java.util.function.Consumer<Alert>> afterRaise = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<Tx, Alert>> inRaise =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public Alerts(Database database, AuditLog audit, Webhooks webhooks, Clock clock, SecureRandom random) {
        this(database, audit, webhooks, clock, random, List.of());
    }

    /**
     * With the operator's defaults for rules ({@code alerts.rules}) in place of the built-in ones.
     *
     * @throws ConfigException naming a rule that does not exist
     */
    public Alerts(Database database, AuditLog audit, Webhooks webhooks, Clock clock, SecureRandom random,
            List<GatehouseConfig.RuleDefaults> configured) {
        this.defaults = defaults(configured);
        this.database = database;
        this.audit = audit;
        this.webhooks = webhooks;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Raises {@code raised} in {@code tx} unless an alert with its dedupe key exists, and queues its deliveries in the
     * same transaction; the raised alert, or empty when it existed.
     */
    Optional<Alert> raise(Tx tx, Alert.Raised raised) {
        String id = Ids.newId(random, "alr");
        if (!AlertStore.insert(tx, id, raised, clock.millis())) {
            return Optional.empty();
        }
        Alert alert = AlertStore.find(tx, id).orElseThrow();
        webhooks.enqueue(tx, alert);
        inRaise.forEach(channel -> channel.accept(tx, alert));
        tx.afterCommit(() -> afterRaise.forEach(listener -> listener.accept(alert)));
        return Optional.of(alert);
    }

    /** Adds a durable channel: {@code channel} queues its delivery of each alert in the transaction that raises it. */
    public void deliverInRaise(java.util.function.BiConsumer<Tx, Alert> channel) {
        inRaise.add(channel);
    }

    /** Tells {@code listener} of each alert once the transaction that raised it committed (best-effort channels). */
    public void afterRaise(java.util.function.Consumer<Alert> listener) {
        afterRaise.add(listener);
    }

    public Page.Slice<Alert> list(Optional<Alert.State> state, Optional<Rule> rule, Page page) {
        return database.read(tx -> AlertStore.list(tx, state, rule, page));
    }

    /** Alerts newest first, as the console lists them, narrowed by state, rule and severity. */
    public Page.Slice<Alert> newestFirst(Optional<Alert.State> state, Optional<Rule> rule, Optional<Severity> severity,
            Page page) {
        return database.read(tx -> AlertStore.newestFirst(tx, state, rule, severity, page));
    }

    /**
     * How many alerts nobody has acknowledged or resolved yet, by severity: every severity (maybe 0), the most severe
     * first.
     */
    public Map<Severity, Long> openBySeverity() {
        Map<Severity, Long> counts = new java.util.LinkedHashMap<>();
        Map<Severity, Long> stored = database.read(AlertStore::openBySeverity);
        for (Severity severity : Arrays.asList(Severity.values()).reversed()) {
            counts.put(severity, stored.getOrDefault(severity, 0L));
        }
        return counts;
    }

    public Alert get(String id) {
        return database.read(tx -> AlertStore.find(tx, id)).orElseThrow(() -> unknown(id));
    }

    /**
     * Someone is looking into it. Acknowledging an acknowledged alert changes nothing; a resolved one cannot go back.
     *
     * @throws GatehouseException 404 unknown alert; 409 {@code alert_resolved}
     */
    public Alert acknowledge(String id, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            Alert alert = AlertStore.lock(tx, id).orElseThrow(() -> unknown(id));
            if (alert.state() == Alert.State.RESOLVED) {
                throw GatehouseException.conflict("alert_resolved", "alert '" + id + "' is resolved already");
            }
            if (alert.state() == Alert.State.OPEN) {
                AlertStore.acknowledge(tx, id, by.actor(), clock.millis());
                audit.append(tx, AuditEvent.of(by.actor(), "alert.acknowledge", client).subject("alert:" + id)
                        .detail("rule", alert.rule().code()).success());
            }
            return AlertStore.find(tx, id).orElseThrow();
        });
    }

    /**
     * Closes the alert with a note saying what was found.
     *
     * @throws GatehouseException 400 a blank note or one longer than {@value #MAX_NOTE} characters; 404 unknown
     *     alert; 409 {@code alert_resolved}
     */
    public Alert resolve(String id, String note, Principal by, ClientInfo client) {
        if (note == null || note.isBlank() || note.length() > MAX_NOTE) {
            throw GatehouseException.invalidField("note", "1 to " + MAX_NOTE + " characters, not blank",
                    note == null ? "nothing" : note.length() + " characters");
        }
        return database.inTransaction(tx -> {
            Alert alert = AlertStore.lock(tx, id).orElseThrow(() -> unknown(id));
            if (alert.state() == Alert.State.RESOLVED) {
                throw GatehouseException.conflict("alert_resolved", "alert '" + id + "' is resolved already");
            }
            AlertStore.resolve(tx, id, by.actor(), clock.millis(), note);
            audit.append(tx, AuditEvent.of(by.actor(), "alert.resolve", client).subject("alert:" + id)
                    .detail("rule", alert.rule().code()).success());
            return AlertStore.find(tx, id).orElseThrow();
        });
    }

    /** Every rule's settings in force: the operator's where they changed it, the defaults elsewhere. */
    public List<Rule.Settings> settings() {
        Map<Rule, Rule.Settings> settings = database.read(this::settings);
        return Arrays.stream(Rule.values()).map(settings::get).toList();
    }

    /** Every rule's settings in force in {@code tx}: a stored change, else the defaults. */
    Map<Rule, Rule.Settings> settings(ReadTx tx) {
        Map<Rule, Rule.Settings> settings = new EnumMap<>(defaults);
        AlertStore.settings(tx).forEach(stored -> settings.put(stored.rule(), stored));
        return settings;
    }

    /** A rule's defaults: the operator's ({@code alerts.rules}) where set, the built-in ones elsewhere. */
    public Rule.Settings defaults(Rule rule) {
        return defaults.get(rule);
    }

    private static Map<Rule, Rule.Settings> defaults(List<GatehouseConfig.RuleDefaults> configured) {
        Map<Rule, Rule.Settings> defaults = new EnumMap<>(Rule.class);
        for (Rule rule : Rule.values()) {
            defaults.put(rule, rule.defaults());
        }
        List<String> unknown = new ArrayList<>();
        for (GatehouseConfig.RuleDefaults set : configured) {
            Optional<Rule> rule = Rule.parse(set.rule());
            if (rule.isEmpty()) {
                unknown.add("alerts.rules: expected one of the rules " + Arrays.stream(Rule.values()).map(Rule::code)
                        .toList() + ", got '" + set.rule() + "'");
                continue;
            }
            Rule.Settings built = rule.get().defaults();
            defaults.put(rule.get(), new Rule.Settings(rule.get(), set.enabled().orElse(built.enabled()),
                    set.severity().flatMap(Severity::parse).orElse(built.severity()),
                    set.threshold().orElse(built.threshold()), set.window().orElse(built.window())));
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown);
        }
        return Map.copyOf(defaults);
    }

    /** What an operator may change of a rule; absent fields keep what is in force. */
    public record SettingsChange(Optional<Boolean> enabled, Optional<Severity> severity, Optional<Integer> threshold,
            Optional<Duration> window) {
    }

    /**
     * Changes a rule's settings.
     *
     * @throws GatehouseException 400 a threshold below 1 or above 10,000, or a window outside 1 s to 400 days
     */
    public Rule.Settings change(Rule rule, SettingsChange change, Principal by, ClientInfo client) {
        change.threshold().filter(t -> t < 1 || t > 10_000).ifPresent(t -> {
            throw GatehouseException.invalidField("threshold", "a whole number from 1 to 10000", String.valueOf(t));
        });
        change.window().filter(w -> w.toSeconds() < 1 || w.toDays() > 400).ifPresent(w -> {
            throw GatehouseException.invalidField("windowSeconds", "a whole number of seconds from 1 to 34560000",
                    String.valueOf(w.toSeconds()));
        });
        return database.inTransaction(tx -> {
            Rule.Settings now = settings(tx).get(rule);
            Rule.Settings changed = new Rule.Settings(rule, change.enabled().orElse(now.enabled()),
                    change.severity().orElse(now.severity()), change.threshold().orElse(now.threshold()),
                    change.window().orElse(now.window()));
            AlertStore.putSettings(tx, changed, by.actor(), clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "alert.rule.update", client).subject("alert-rule:"
                    + rule.code()).detail("enabled", changed.enabled()).detail("severity", changed.severity().code())
                    .detail("threshold", changed.threshold()).detail("windowSeconds", changed.window().toSeconds())
                    .success());
            return changed;
        });
    }

    private static GatehouseException unknown(String id) {
        return GatehouseException.notFound("alert_not_found", "no alert with id '" + id + "'");
    }
}
