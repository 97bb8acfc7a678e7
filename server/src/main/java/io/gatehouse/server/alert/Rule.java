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
    NEW_DEVICE(Severity.MEDIUM, 1, Duration.ofDays(365)),
    /**
     * Denied scans at one door within {@code window}, against the same stretch of the week in the four weeks
     * before: it fires when the count is at least {@code threshold} and its robust z-score (distance from the
     * baseline's median in units of 1.4826 × the median absolute deviation, at least √median and at least 1) is at
     * least 3. A busy door that always sees denials at 9:00 stays quiet; three denials at 3:00 where there are none
     * are an alert. A door learns for its first week.
     */
    DENIED_SCAN_SPIKE(Severity.MEDIUM, 3, Duration.ofMinutes(30)),
    /** Scans one person made outside their schedule and was denied for: {@code threshold} within {@code window}. */
    OFF_SCHEDULE(Severity.MEDIUM, 3, Duration.ofMinutes(10)),
    /**
     * A reader whose uploaded events are forged or broken (a gap, a broken link, an altered event, a bad
     * signature) or kept only as untrusted claims. One alert per reader per window; the threshold is unused.
     */
    READER_PROBLEM(Severity.HIGH, 1, Duration.ofHours(1)),
    /**
     * A passkey whose signature counter went backwards: an authenticator that may have been cloned. One alert per
     * device per window; the threshold is unused.
     */
    COUNTER_REGRESSION(Severity.CRITICAL, 1, Duration.ofDays(1)),
    /**
     * A person signing in or verifying from a country, or a network (autonomous system), that none of their located
     * sign-ins and verifications within {@code window} came from. The threshold is how many such earlier events
     * the person needs before novelty counts (a new person's first places are learnt, not alarms).
     */
    UNUSUAL_PLACE(Severity.MEDIUM, 5, Duration.ofDays(90)),
    /**
     * Two of a person's located events, the later one and the one before it within {@code window}, farther apart
     * than anyone travels: the great-circle distance less both accuracy radii, over the time between them, above
     * {@code threshold} km/h.
     */
    IMPOSSIBLE_TRAVEL(Severity.HIGH, 1000, Duration.ofHours(24)),
    /**
     * Failed TOTP or recovery-code verifications from one network across people (credential stuffing):
     * {@code threshold} within {@code window}, by default 20 in 5 minutes. The subject is {@code network:<network>};
     * one alert per network per 10 windows. It flags nobody: the people tried may be the attacker's guesses.
     */
    NETWORK_FAILURE_SPIKE(Severity.HIGH, 20, Duration.ofMinutes(5)),
    /**
     * A person's verification lockout started (their failures from all sources together filled the per-user window,
     * {@code lockout.threshold}): {@code threshold} such lock starts within {@code window} (1 in an hour) raise it, one
     * alert per person per window. A lock of one source alone is {@link #FAILURE_SPIKE}'s, whose default threshold is
     * that lock's.
     */
    LOCKOUT(Severity.MEDIUM, 1, Duration.ofHours(1)),
    /**
     * Denied scans at one reader within {@code window}, against the same stretch of the week in the four weeks
     * before, scored as {@link #DENIED_SCAN_SPIKE} is (the same defaults: 3 within 30 minutes, robust z-score at
     * least 3, a week of learning). At a door with one reader it fires together with that rule.
     */
    READER_DENIED_SCAN_SPIKE(Severity.MEDIUM, 3, Duration.ofMinutes(30)),
    /**
     * A provisioned reader not seen for longer than its door's bundle lifetime ({@code maxBundleAgeSeconds}): its
     * bundle has expired offline, and the door now fails secure or open as configured. Checked by the clock, not the
     * audit log ({@link AlertEngine#sweep()}); one alert per reader and outage. The threshold and window are unused.
     */
    READER_OFFLINE(Severity.HIGH, 1, Duration.ofDays(1));

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
