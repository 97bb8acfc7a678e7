package io.gatehouse.server.alert;

import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.db.Database;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued webhook deliveries on a thread of its own: woken after a commit that queued one, and every
 * {@link #POLL} for retries that became due. Each attempt is claimed in the database first (so two nodes never
 * send the same attempt), answered 2xx or counted as failed; failed deliveries are retried with exponential
 * backoff ({@link #backoff}) and after {@link #MAX_ATTEMPTS} kept as dead letters.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final int MAX_ATTEMPTS = 8;
    static final Duration POLL = Duration.ofMillis(500);
    /** How long a claimed attempt may take before another sender may take it over (a node that died sending). */
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BATCH = 20;
    private static final int MAX_ERROR = 300;

    private final Database database;
    private final Webhooks webhooks;
    private final HttpClient http;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean closed;

    public WebhookSender(Database database, Webhooks webhooks) {
        this.database = database;
        this.webhooks = webhooks;
        this.http = client(webhooks.destinations());
        this.thread = new Thread(this::run, "gatehouse-webhooks");
        this.thread.setDaemon(true);
        webhooks.afterEnqueue(this::wake);
    }

    /**
     * The client deliveries go through. It connects only to addresses {@link WebhookDestinations#checkedAddresses}
     * returned for the name, looked up for that connection, so no later answer of the name (DNS rebinding) is
     * used; it follows no redirect (an endpoint could answer 307 to an internal address) and uses no proxy (a proxy
     * would resolve and connect where no check looked). TLS verifies the certificate against the URL's name.
     */
    private static HttpClient client(WebhookDestinations destinations) {
        HttpClient client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool(4, 1);
        threads.setName("gatehouse-webhooks-http");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(Duration.ofSeconds(5).toMillis());
        client.setIdleTimeout(Duration.ofSeconds(30).toMillis());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Gatehouse-Webhooks"));
        client.setSocketAddressResolver((host, port, promise) -> {
            try {
                promise.succeeded(destinations.checkedAddresses(host, port));
            } catch (IOException refusedOrUnknown) {
                promise.failed(refusedOrUnknown);
            }
        });
        return client;
    }

    public void start() {
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the webhook client did not start", e);
        }
        thread.start();
    }

    void wake() {
        wake.release();
    }

    /** The wait before attempt {@code attempts + 1}: 5 s, 10 s, 20 s … doubling, at most an hour. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(3600, 5L << Math.min(attempts - 1, 20)));
    }

    private void run() {
        while (!closed) {
            try {
                wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                while (!closed && sendDue() == BATCH) {
                    // a full batch: more may be due
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("webhook deliveries failed; trying again shortly", e);
            }
        }
    }

    /** One pass over the due deliveries; how many were due. */
    int sendDue() {
        long now = webhooks.now().toEpochMilli();
        List<WebhookStore.Due> due = database.read(tx -> WebhookStore.due(tx, now, BATCH));
        for (WebhookStore.Due delivery : due) {
            boolean claimed = database.inTransaction(tx -> WebhookStore.claim(tx, delivery, now + LEASE.toMillis()));
            if (claimed) {
                attempt(delivery);
            }
        }
        return due.size();
    }

    private void attempt(WebhookStore.Due delivery) {
        Optional<WebhookStore.Endpoint> endpoint = database.read(tx -> WebhookStore.find(tx, delivery.webhookId()));
        if (endpoint.isEmpty()) {
            return;
        }
        int attempts = delivery.attempts() + 1;
        Integer status = null;
        String error;
        try {
            URI url = URI.create(endpoint.get().webhook().url());
            long t = webhooks.now().getEpochSecond();
            String signature = WebhookSignature.header(webhooks.secretOf(endpoint.get()), t, delivery.body());
            ContentResponse response = http.POST(url).timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers.put(WebhookSignature.HEADER, signature)
                            .put("Gatehouse-Event", delivery.event()).put("Gatehouse-Delivery", delivery.id()))
                    .body(new StringRequestContent("application/json; charset=utf-8", delivery.body(),
                            StandardCharsets.UTF_8))
                    .send();
            status = response.getStatus();
            if (status / 100 == 2) {
                int answered = status;
                database.inTransaction(tx -> {
                    WebhookStore.delivered(tx, delivery.id(), attempts, answered, webhooks.now().toEpochMilli());
                    return null;
                });
                return;
            }
            error = "the endpoint answered " + status;
        } catch (ExecutionException e) {
            Optional<WebhookDestinations.Refused> refused = refusal(e);
            if (refused.isPresent()) {
                // Not sent, and not retried: only a new configuration opens the address (then send it again).
                fail(delivery, attempts, null, Utf8.truncate("not sent: " + refused.get().getMessage(), MAX_ERROR),
                        false);
                return;
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            error = Utf8.truncate("the request failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), MAX_ERROR);
        } catch (TimeoutException e) {
            error = "the request failed: no answer within " + TIMEOUT.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        fail(delivery, attempts, status, error, true);
    }

    /** The destination check's refusal behind a failed request, if that is why it failed. */
    private static Optional<WebhookDestinations.Refused> refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebhookDestinations.Refused refused) {
                return Optional.of(refused);
            }
        }
        return Optional.empty();
    }

    /** A failed attempt: retried after {@link #backoff} while attempts are left and {@code retry}, else dead. */
    private void fail(WebhookStore.Due delivery, int attempts, Integer status, String reason, boolean retry) {
        Long next = !retry || attempts >= MAX_ATTEMPTS ? null
                : webhooks.now().plus(backoff(attempts)).toEpochMilli();
        database.inTransaction(tx -> {
            WebhookStore.failed(tx, delivery.id(), attempts, status, reason, next);
            return null;
        });
        if (next == null) {
            LOG.warn("webhook delivery {} to {} is dead after {} attempts: {}", delivery.id(), delivery.webhookId(),
                    attempts, reason);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("the webhook client did not stop cleanly", e);
        }
    }
}
