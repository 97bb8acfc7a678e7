package io.gatehouse.server.console;

import io.gatehouse.server.alert.Webhook;
import io.gatehouse.server.alert.Webhooks;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /console/alerts/webhooks}: where alerts are delivered, how each endpoint's deliveries stand, and each
 * endpoint's deliveries with its dead-letter list and "Send again". Everything here needs ALERT_SETTINGS; creating
 * or deleting an endpoint also a fresh user verification, since one sends alerts (and their subjects) to an address
 * outside and the other silences a channel. A secret left empty is generated and shown once.
 */
public final class WebhooksPages {
    static final String PATH = AlertsPages.PATH + "/webhooks";
    private static final List<String> STATES = List.of("pending", "delivered", "dead");
    private static final Map<String, String> NOTICES = Map.of("retried", "The delivery is queued again: it is sent"
            + " from its first attempt.");

    private final Webhooks webhooks;
    private final Function<String, String> actors;
    private final ConsoleAccess access;
    private final int maxBody;

    /** @param actors how a page names an actor of the audit log: a person by their username */
    public WebhooksPages(Webhooks webhooks, Function<String, String> actors, ConsoleAccess access, int maxBody) {
        this.webhooks = webhooks;
        this.actors = actors;
        this.access = access;
        this.maxBody = maxBody;
    }

    /** An endpoint as the list shows it, with how its deliveries stand and who created it. */
    public record Row(Webhook webhook, Webhook.Counts counts, String createdBy) {
        public String createdAt() {
            return webhook.createdAt().toString();
        }
    }

    /** What the form shows: empty at first, what was typed after a refusal (never the secret). */
    public record Draft(String url, List<String> events) {
        static final Draft EMPTY = new Draft("", Webhook.EVENTS);
    }

    /** A new endpoint and, when the console generated it, its secret, shown this once. */
    public record Created(Webhook webhook, String generatedSecret) {
    }

    /** One delivery as its endpoint's page shows it. */
    public record DeliveryRow(Webhook.Delivery delivery) {
        public boolean dead() {
            return "dead".equals(delivery.state());
        }

        /** Waiting for its next attempt after failing one. */
        public String state() {
            return "pending".equals(delivery.state()) && delivery.attempts() > 0 ? "retrying" : delivery.state();
        }

        public String createdAt() {
            return delivery.createdAt().toString();
        }

        public String nextAttemptAt() {
            return "pending".equals(delivery.state()) ? delivery.nextAttemptAt().toString() : null;
        }

        public String deliveredAt() {
            return delivery.deliveredAt().map(Instant::toString).orElse(null);
        }

        /** The last answer or failure: "answered 503", the error, or nothing yet. */
        public String last() {
            return delivery.lastError().orElse(delivery.lastStatus().map(status -> "answered " + status).orElse(""));
        }
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, ctx -> renderList(ctx, 200, null, null, Draft.EMPTY, null))
                .page(HandlerType.POST, PATH, this::create)
                .page(HandlerType.GET, PATH + "/{id}", this::detail)
                .page(HandlerType.POST, PATH + "/{id}/delete", this::delete)
                .page(HandlerType.POST, PATH + "/{id}/deliveries/{delivery}/retry", this::retry);
    }

    private void renderList(Context ctx, int status, String notice, String error, Draft draft, Created created) {
        ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        Map<String, Webhook.Counts> counts = webhooks.counts();
        Map<String, Object> params = new HashMap<>();
        params.put("rows", webhooks.list().stream().map(webhook -> new Row(webhook, counts.getOrDefault(
                webhook.id(), Webhook.Counts.none(webhook.id())), actors.apply(webhook.createdBy()))).toList());
        params.put("events", Webhook.EVENTS);
        params.put("draft", draft);
        params.put("created", Optional.ofNullable(created));
        ConsolePages.render(ctx, status, "alerts/webhooks", ConsolePages.chrome(ctx, "alerts", "Alert webhooks",
                notice, error), params);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH);
        String url = form.text("url") == null ? "" : form.text("url").strip();
        List<String> events = form.all("events");
        String typed = form.text("secret");
        String secret = typed == null || typed.isBlank() ? webhooks.newSecret() : typed;
        Webhook webhook;
        try {
            webhook = webhooks.create(new Webhooks.Registration(url, secret, events), by, Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            renderList(ctx, ProblemMapper.status(refused), null, refused.detail(), new Draft(url, events), null);
            return;
        }
        boolean generated = typed == null || typed.isBlank();
        renderList(ctx, 200, "The webhook to " + webhook.url() + " is created." + (generated ? " Copy its secret now:"
                + " it is shown only once." : ""), null, Draft.EMPTY, new Created(webhook, generated ? secret : null));
    }

    private void delete(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        ConsoleForm.of(ctx, maxBody);
        access.requireFresh(ctx, PATH);
        Webhook webhook = webhooks.get(ctx.pathParam("id"));
        webhooks.delete(webhook.id(), by, Requests.client(ctx));
        renderList(ctx, 200, "The webhook to " + webhook.url() + " is deleted, with its deliveries.", null,
                Draft.EMPTY, null);
    }

    private void detail(Context ctx) {
        ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        String done = ctx.queryParam("done");
        renderDetail(ctx, 200, ctx.pathParam("id"), done == null ? null : NOTICES.get(done), null);
    }

    private void renderDetail(Context ctx, int status, String id, String notice, String error) {
        Webhook webhook = webhooks.get(id);
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, List.of("state"), List.of());
        Optional<String> state = Optional.ofNullable(filters.get("state"));
        state.filter(text -> !STATES.contains(text)).ifPresent(text -> {
            throw GatehouseException.invalid("invalid_parameter", "the state must be one of " + STATES + ", not '"
                    + Utf8.truncate(text, 40) + "'");
        });
        Page.Slice<Webhook.Delivery> deliveries = webhooks.deliveries(id, state, Page.of(AlertsPages.PAGE,
                ctx.queryParam("after")));
        Page.Slice<Webhook.Delivery> dead = webhooks.deliveries(id, Optional.of("dead"), Page.of(AlertsPages.PAGE,
                null));
        Map<String, Object> params = new HashMap<>();
        params.put("webhook", webhook);
        params.put("createdBy", actors.apply(webhook.createdBy()));
        params.put("counts", webhooks.counts().getOrDefault(id, Webhook.Counts.none(id)));
        params.put("deliveries", deliveries.items().stream().map(DeliveryRow::new).toList());
        params.put("dead", dead.items().stream().map(DeliveryRow::new).toList());
        params.put("moreDead", dead.next() != null);
        params.put("next", deliveries.next() == null ? null : PATH + "/" + encode(id) + "?" + filters.query("after",
                deliveries.next()));
        params.put("filters", filters);
        params.put("states", STATES);
        ConsolePages.render(ctx, status, "alerts/webhook", ConsolePages.chrome(ctx, "alerts", "Webhook deliveries",
                notice, error), params);
    }

    private void retry(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.ALERT_SETTINGS);
        ConsoleForm.of(ctx, maxBody);
        String id = ctx.pathParam("id");
        try {
            webhooks.retry(id, ctx.pathParam("delivery"), by, Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            if (ProblemMapper.status(refused) == 404) {
                throw refused;
            }
            renderDetail(ctx, ProblemMapper.status(refused), id, null, refused.detail());
            return;
        }
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(id) + "?done=retried");
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
