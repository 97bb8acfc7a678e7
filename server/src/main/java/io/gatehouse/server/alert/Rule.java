package io.gatehouse.server.alert;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The anomaly rules, each with its documented defaults (docs/security.md, "Alerts"). An operator changes a rule's
 * switch, severity, threshold and window through {@code PUT /api/v1/alert-rules/{rule}}.
 */
public enum Rule {
    /**
     * Failed TOTP or recovery-code verifications for one person from one network (an IPv6 address by its /64):
     * {@code threshold} within {@code window}. The default, 5 in a minute, is the per-source lockout's threshold:
     * the burst that locks a source out raises the alert, whatever the attacker sends after the lock.
     */
    FAILURE_SPIKE(Severity.HIGH, 5, Duration.ofMinutes(1)),
    /**
     * A device enrolled for a person who has enrolled one before (the threshold is the number of earlier
     * enrollments that makes a new one notable: 1), or whose kind or operating system that person never enrolled.
     * The window bounds how far back earlier enrollments are looked for.
     */
    NEW_DEVICE(Severity.MEDIUM, 1, Duration.ofDays(365));

    private final Severity severity;
    private final int threshold;
    private final Duration window;

    Rule(Severity severity, int threshold, Duration window) {
        this.severity = severity;
        this.threshold = threshold;
        this.window = window;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Rule> parse(String code) {
        return Arrays.stream(values()).filter(rule -> rule.code().equals(code)).findFirst();
    }

    /** The rule as it runs when no operator changed it. */
    public Settings defaults() {
        return new Settings(this, true, severity, threshold, window);
    }

    /** A rule's settings in force. */
    public record Settings(Rule rule, boolean enabled, Severity severity, int threshold, Duration window) {
    }
}
