package io.gatehouse.server.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One raised alert as stored. {@code evidence} are the ids of the audit records that made the rule fire.
 *
 * @param state {@code open}, {@code acknowledged} (someone is on it) or {@code resolved} (with a note)
 */
public record Alert(String id, Rule rule, Severity severity, String subject, String summary, List<Long> evidence,
        Instant createdAt, State state, Optional<Change> acknowledged, Optional<Change> resolved,
        Optional<String> resolutionNote) {

    public Alert {
        evidence = List.copyOf(evidence);
    }

    public enum State {
        OPEN, ACKNOWLEDGED, RESOLVED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Optional<State> parse(String code) {
            return java.util.Arrays.stream(values()).filter(state -> state.code().equals(code)).findFirst();
        }
    }

    /** Who moved the alert on, and when. */
    public record Change(String by, Instant at) {
    }

    /** What a rule raises: everything but the id, the time and the state, which raising gives it. */
    public record Raised(Rule rule, Severity severity, String subject, String summary, List<Long> evidence,
            String dedupeKey) {
        public Raised {
            evidence = List.copyOf(evidence);
        }
    }
}
