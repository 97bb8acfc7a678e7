package io.gatehouse.server.alert;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code /api/v1/webhooks}: where alerts are delivered, and what became of each delivery. */
public final class WebhookController {
    private static final List<String> STATES = List.of("pending", "delivered", "dead");

    private final Webhooks webhooks;
    private final Authenticator auth;
    private final int maxBody;

    public WebhookController(Webhooks webhooks, Authenticator auth, int maxBody) {
        this.webhooks = webhooks;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    record CreateRequest(String url, String secret, List<String> events) {
        CreateRequest {
            Fields.required("url", url, "a string");
            Fields.required("secret", secret, "a string");
            Fields.required("events", events, "an array of at least one of " + Webhook.EVENTS);
            if (events.contains(null)) {
                throw GatehouseException.invalidField("events", "an array of strings", "an array containing null");
            }
            events = List.copyOf(events);
        }
    }

    record WebhookView(String id, String url, List<String> events, String createdBy, String createdAt) {
        static WebhookView of(Webhook webhook) {
            return new WebhookView(webhook.id(), webhook.url(), webhook.events(), webhook.createdBy(),
                    webhook.createdAt().toString());
        }
    }

    record WebhookList(List<WebhookView> webhooks) {
    }

    record DeliveryView(String id, String event, String state, int attempts, String nextAttemptAt,
            Integer lastStatus, String lastError, String createdAt, String deliveredAt) {
        static DeliveryView of(Webhook.Delivery delivery) {
            return new DeliveryView(delivery.id(), delivery.event(), delivery.state(), delivery.attempts(),
                    "pending".equals(delivery.state()) ? delivery.nextAttemptAt().toString() : null,
                    delivery.lastStatus().orElse(null), delivery.lastError().orElse(null),
                    delivery.createdAt().toString(), delivery.deliveredAt().map(Instant::toString).orElse(null));
        }
    }

    record DeliveryList(List<DeliveryView> deliveries, String next) {
    }

    public void register(Routes routes) {
        routes.post("/api/v1/webhooks", ctx -> {
            Principal by = auth.require(ctx, Permission.ALERT_SETTINGS);
            CreateRequest request = Bodies.read(ctx, maxBody, CreateRequest.class);
            Webhook created = webhooks.create(new Webhooks.Registration(request.url(), request.secret(),
                    request.events()), by, Requests.client(ctx));
            ctx.status(201).json(WebhookView.of(created));
        }).get("/api/v1/webhooks", ctx -> {
            auth.require(ctx, Permission.ALERT_SETTINGS);
            ctx.json(new WebhookList(webhooks.list().stream().map(WebhookView::of).toList()));
        }).delete("/api/v1/webhooks/{id}", ctx -> {
            Principal by = auth.require(ctx, Permission.ALERT_SETTINGS);
            webhooks.delete(ctx.pathParam("id"), by, Requests.client(ctx));
            ctx.status(204);
        }).get("/api/v1/webhooks/{id}/deliveries", ctx -> {
            auth.require(ctx, Permission.ALERT_SETTINGS);
            Optional<String> state = Optional.ofNullable(ctx.queryParam("state"));
            state.filter(text -> !STATES.contains(text)).ifPresent(text -> {
                throw GatehouseException.invalid("invalid_parameter", "query parameter 'state' must be one of "
                        + STATES + ", got '" + Utf8.truncate(text, 40) + "'");
            });
            Page.Slice<Webhook.Delivery> slice = webhooks.deliveries(ctx.pathParam("id"), state, Requests.page(ctx));
            ctx.json(new DeliveryList(slice.items().stream().map(DeliveryView::of).toList(), slice.next()));
        }).post("/api/v1/webhooks/{id}/deliveries/{delivery}/retry", ctx -> {
            Principal by = auth.require(ctx, Permission.ALERT_SETTINGS);
            ctx.json(DeliveryView.of(webhooks.retry(ctx.pathParam("id"), ctx.pathParam("delivery"), by,
                    Requests.client(ctx))));
        });
    }
}
