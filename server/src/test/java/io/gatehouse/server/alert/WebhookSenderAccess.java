package io.gatehouse.server.alert;

import java.time.Duration;

/** The sender's retry schedule, for tests outside this package that wait a delivery into the dead-letter list. */
public final class WebhookSenderAccess {
    private WebhookSenderAccess() {
    }

    public static int maxAttempts() {
        return WebhookSender.MAX_ATTEMPTS;
    }

    public static Duration backoff(int attempts) {
        return WebhookSender.backoff(attempts);
    }
}
