package io.gatehouse.server.alert;

import io.gatehouse.server.db.ReadTx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether a person is flagged: an alert about them that nobody resolved was raised within the last
 * {@code window} ({@code alerts.flag-minutes}). Decisions that answer step-up for flagged people ask here, inside
 * their own transaction.
 */
public final class Flags {
    private final Duration window;
    private final Clock clock;

    public Flags(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** The rule of the newest such alert about {@code userId}; empty when the person is not flagged. */
    public Optional<String> ruleFlagging(ReadTx tx, String userId) {
        return AlertStore.newestUnresolvedRule(tx, "user:" + userId, clock.millis() - window.toMillis());
    }
}
