package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhook endpoints and their deliveries. A delivery is written in the transaction that raises its alert, so an
 * alert is never raised without its deliveries nor delivered without being raised; {@link WebhookSender} sends it
 * after commit.
 */
public final class Webhooks {
    static final int MAX_URL = 2000;
    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 512;

    private final Database database;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final Clock clock;
    private final SecureRandom random;
    private final WebhookDestinations destinations;
    private volatile Runnable afterEnqueue = () -> { };

    /**
     * @param allowNetworks networks (CIDR) that endpoints may be in although they are internal
     *     ({@code alerts.webhook-allow-networks}; see {@link WebhookDestinations})
     */
    public Webhooks(Database database, AuditLog audit, SecretBox secrets, Clock clock, SecureRandom random,
            List<String> allowNetworks) {
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.random = random;
        this.destinations = new WebhookDestinations(allowNetworks);
    }

    /** What to run after a transaction that queued deliveries commits (the sender's wake-up). */
    void afterEnqueue(Runnable action) {
        this.afterEnqueue = action;
    }

    /** A new endpoint as an administrator gives it. */
    public record Registration(String url, String secret, List<String> events) {
    }

    /**
     * Registers an endpoint.
     *
     * @throws GatehouseException 400 a URL that is not absolute http(s) without user info or fragment, a secret
     *     shorter than 16 or longer than 512 characters, no events or an unknown one; 422
     *     {@code webhook_destination_refused} a URL whose host is an internal address (or {@code localhost}) that
     *     {@code alerts.webhook-allow-networks} does not open
     */
    public Webhook create(Registration registration, Principal by, ClientInfo client) {
        URI url = checkedUrl(registration.url());
        Optional<String> refused = destinations.refusalOfHost(url.getHost());
        if (refused.isPresent()) {
            throw GatehouseException.unprocessable("webhook_destination_refused", refused.get());
        }
        int secretLength = registration.secret().codePointCount(0, registration.secret().length());
        if (secretLength < MIN_SECRET || secretLength > MAX_SECRET) {
            throw GatehouseException.invalidField("secret", "a string of " + MIN_SECRET + " to " + MAX_SECRET
                    + " characters (a random one: it signs every delivery)", secretLength + " characters");
        }
        if (registration.events().isEmpty()) {
            throw GatehouseException.invalidField("events", "an array of at least one of " + Webhook.EVENTS,
                    "an empty array");
        }
        for (String event : registration.events()) {
            if (!Webhook.EVENTS.contains(event)) {
                throw GatehouseException.invalidField("events", "an array of " + Webhook.EVENTS, "'"
                        + Utf8.truncate(event, 40) + "'");
            }
        }
        Webhook webhook = new Webhook(Ids.newId(random, "whk"), url.toString(),
                List.copyOf(new LinkedHashSet<>(registration.events())), by.actor(), clock.instant());
        byte[] sealed = secrets.seal(registration.secret().getBytes(StandardCharsets.UTF_8), context(webhook.id()));
        return database.inTransaction(tx -> {
            WebhookStore.insert(tx, webhook, sealed);
            audit.append(tx, AuditEvent.of(by.actor(), "webhook.create", client).subject("webhook:" + webhook.id())
                    .detail("url", webhook.url()).detail("events", String.join(",", webhook.events())).success());
            return webhook;
        });
    }

    /** A random secret for a new endpoint, for whoever would rather not make one up: 256 bits, base64url. */
    public String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "whsec_" + io.gatehouse.protocol.codec.Base64Url.encode(bytes);
    }

    public List<Webhook> list() {
        return database.read(tx -> WebhookStore.all(tx).stream().map(WebhookStore.Endpoint::webhook).toList());
    }

    /** How the deliveries of each endpoint stand, by its id; every endpoint is there. */
    public Map<String, Webhook.Counts> counts() {
        return database.read(tx -> {
            Map<String, Webhook.Counts> counts = new LinkedHashMap<>();
            WebhookStore.all(tx).forEach(endpoint -> counts.put(endpoint.webhook().id(),
                    Webhook.Counts.none(endpoint.webhook().id())));
            WebhookStore.counts(tx).forEach(count -> counts.computeIfPresent(count.webhookId(), (id, none) -> count));
            return counts;
        });
    }

    public Webhook get(String id) {
        return database.read(tx -> WebhookStore.find(tx, id)).map(WebhookStore.Endpoint::webhook)
                .orElseThrow(() -> unknown(id));
    }

    /** Removes an endpoint and its deliveries. @throws GatehouseException 404 unknown webhook */
    public void delete(String id, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (!WebhookStore.delete(tx, id)) {
                throw unknown(id);
            }
            audit.append(tx, AuditEvent.of(by.actor(), "webhook.delete", client).subject("webhook:" + id).success());
            return null;
        });
    }

    public Page.Slice<Webhook.Delivery> deliveries(String webhookId, Optional<String> state, Page page) {
        return database.read(tx -> {
            WebhookStore.find(tx, webhookId).orElseThrow(() -> unknown(webhookId));
            return WebhookStore.deliveries(tx, webhookId, state, page);
        });
    }

    /**
     * Sends a dead-lettered delivery again, from its first attempt.
     *
     * @throws GatehouseException 404 unknown webhook or delivery; 409 {@code delivery_not_dead}
     */
    public Webhook.Delivery retry(String webhookId, String deliveryId, Principal by, ClientInfo client) {
        Webhook.Delivery delivery = database.inTransaction(tx -> {
            Webhook.Delivery found = WebhookStore.delivery(tx, webhookId, deliveryId).orElseThrow(
                    () -> GatehouseException.notFound("delivery_not_found", "webhook '" + webhookId
                            + "' has no delivery '" + deliveryId + "'"));
            if (!WebhookStore.retry(tx, webhookId, deliveryId, clock.millis())) {
                throw GatehouseException.conflict("delivery_not_dead", "delivery '" + deliveryId + "' is "
                        + found.state() + "; only a dead delivery is retried by hand");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "webhook.delivery.retry", client).subject("webhook:"
                    + webhookId).detail("delivery", deliveryId).success());
            tx.afterCommit(afterEnqueue);
            return WebhookStore.delivery(tx, webhookId, deliveryId).orElseThrow();
        });
        return delivery;
    }

    /** The body of an alert's delivery: the alert as the API shows it, under the event's name. */
    record AlertEvent(String event, AlertController.AlertView alert) {
    }

    /** Queues the alert for every endpoint subscribed to alerts, in the transaction that raised it. */
    void enqueue(Tx tx, Alert alert) {
        String body = Json.write(new AlertEvent("alert", AlertController.AlertView.of(alert)));
        for (WebhookStore.Endpoint endpoint : WebhookStore.all(tx)) {
            if (endpoint.webhook().events().contains("alert")) {
                WebhookStore.enqueue(tx, Ids.newId(random, "whd"), endpoint.webhook().id(), "alert", body,
                        clock.millis());
                tx.afterCommit(afterEnqueue);
            }
        }
    }

    /** The secret of an endpoint, opened for signing. */
    byte[] secretOf(WebhookStore.Endpoint endpoint) {
        return secrets.open(endpoint.sealedSecret(), context(endpoint.webhook().id()));
    }

    Instant now() {
        return clock.instant();
    }

    /** Where deliveries may go: the sender's client resolves every endpoint's name through it. */
    WebhookDestinations destinations() {
        return destinations;
    }

    private static String context(String webhookId) {
        return "webhook-secret:" + webhookId;
    }

    private static URI checkedUrl(String text) {
        String expected = "an absolute http or https URL without user info or fragment, at most " + MAX_URL
                + " characters";
        if (text.length() > MAX_URL) {
            throw GatehouseException.invalidField("url", expected, text.length() + " characters");
        }
        try {
            URI url = new URI(text);
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null
                    || url.getRawUserInfo() != null || url.getRawFragment() != null) {
                throw GatehouseException.invalidField("url", expected, "'" + Utf8.truncate(text, 80) + "'");
            }
            return url;
        } catch (URISyntaxException e) {
            throw GatehouseException.invalidField("url", expected, "'" + Utf8.truncate(text, 80) + "'");
        }
    }

    private static GatehouseException unknown(String id) {
        return GatehouseException.notFound("webhook_not_found", "no webhook with id '" + id + "'");
    }
}
