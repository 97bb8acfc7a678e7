package io.gatehouse.server.mail;

import io.gatehouse.server.common.GatehouseException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an outbox message stands, as the API shows it beside what caused it.
 *
 * @param attempts the sends tried so far
 * @param lastError why the last attempt failed, while the message is pending again or failed for good
 * @param nextAttemptAt when a pending message is tried next
 */
public record Delivery(String id, State state, int attempts, Optional<String> lastError, Instant createdAt,
        Optional<Instant> nextAttemptAt, Optional<Instant> sentAt) {

    public enum State {
        PENDING, SENT, FAILED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State parse(String code) {
            for (State state : values()) {
                if (state.code().equals(code)) {
                    return state;
                }
            }
            throw GatehouseException.corrupt("mail outbox state '" + code + "'", null);
        }
    }
}
