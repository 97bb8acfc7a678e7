package io.gatehouse.server.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A webhook endpoint as the API shows it (never its secret), and one delivery to it. */
public record Webhook(String id, String url, List<String> events, String createdBy, Instant createdAt) {
    public Webhook {
        events = List.copyOf(events);
    }

    /** The events a webhook can subscribe to. */
    public static final List<String> EVENTS = List.of("alert");

    /**
     * How a webhook's deliveries stand.
     *
     * @param pending waiting for their first attempt
     * @param retrying failed at least one attempt and waiting for the next
     * @param dead every attempt failed: the dead-letter list
     */
    public record Counts(String webhookId, long pending, long retrying, long delivered, long dead) {
        public static Counts none(String webhookId) {
            return new Counts(webhookId, 0, 0, 0, 0);
        }
    }

    /**
     * One delivery.
     *
     * @param state {@code pending} (waiting for its next attempt), {@code delivered} or {@code dead} (every attempt
     *     failed; kept as the dead-letter list, and retried only when someone asks)
     */
    public record Delivery(String id, String webhookId, String event, String state, int attempts,
            Instant nextAttemptAt, Optional<Integer> lastStatus, Optional<String> lastError, Instant createdAt,
            Optional<Instant> deliveredAt) {
    }
}
