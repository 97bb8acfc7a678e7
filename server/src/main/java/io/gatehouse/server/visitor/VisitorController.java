package io.gatehouse.server.visitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.mail.Delivery;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/visitors}: invite (the pass goes out by e-mail), list, read, revoke, resend, erase. No answer
 * after the creation holds the pass's handle.
 */
public final class VisitorController {
    private final VisitorPasses passes;
    private final Authenticator auth;
    private final int maxBody;

    public VisitorController(VisitorPasses passes, Authenticator auth, int maxBody) {
        this.passes = passes;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/visitors", this::create)
                .get("/api/v1/visitors", this::list)
                .get("/api/v1/visitors/{id}", ctx -> {
                    auth.require(ctx, Permission.VISITORS_READ);
                    ctx.json(view(passes.get(ctx.pathParam("id")), null));
                })
                .post("/api/v1/visitors/{id}/revoke", ctx -> {
                    Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
                    ctx.json(view(passes.revoke(ctx.pathParam("id"), by, Requests.client(ctx)), null));
                })
                .post("/api/v1/visitors/{id}/resend", ctx -> {
                    Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
                    ctx.json(view(passes.resend(ctx.pathParam("id"), by, Requests.client(ctx)), null));
                })
                .delete("/api/v1/visitors/{id}", ctx -> {
                    Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
                    passes.erase(ctx.pathParam("id"), by, Requests.client(ctx));
                    ctx.status(204);
                });
    }

    /** Authenticates first, then reads the body: a caller without a token learns nothing about its request. */
    private void create(Context ctx) {
        Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
        VisitorRequest request = Bodies.read(ctx, maxBody, VisitorRequest.class);
        VisitorPasses.Created created = passes.create(request, by, Requests.client(ctx));
        if (created.passUrl().isPresent()) {
            Html.noStore(ctx);
        }
        ctx.status(201).json(view(created.shown(), created.passUrl().orElse(null)));
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.VISITORS_READ);
        Optional<PassState> state = Optional.ofNullable(ctx.queryParam("state")).filter(s -> !s.isEmpty())
                .map(PassState::parseFilter);
        Page.Slice<VisitorPasses.Shown> slice = passes.list(Requests.page(ctx), state);
        ctx.json(new VisitorList(slice.items().stream().map(shown -> view(shown, null)).toList(), slice.next()));
    }

    record VisitorList(List<VisitorView> visitors, String next) {
    }

    /**
     * A pass as the API shows it; name, e-mail and note are null once erased. {@code passUrl} only in the answer
     * to a creation without a mail server.
     */
    record VisitorView(String id, String state, String name, String email, String note, String hostUserId,
            List<String> doorIds, List<String> zoneIds, String from, String until, String timeZone, int maxEntries,
            int entriesUsed, String createdAt, String createdBy, String revokedAt, String lastEntryAt,
            String erasedAt, InvitationView invitation,
            @JsonInclude(JsonInclude.Include.NON_NULL) String passUrl) {
    }

    /** The invitation e-mail's delivery through the outbox. */
    record InvitationView(String id, String state, int attempts, String lastError, String createdAt,
            String nextAttemptAt, String sentAt) {
    }

    static VisitorView view(VisitorPasses.Shown shown, String passUrl) {
        Visitor v = shown.visitor();
        return new VisitorView(v.id(), v.state(shown.now()).code(), v.name().orElse(null), v.email().orElse(null),
                v.note().orElse(null), v.hostUserId().orElse(null), v.doorIds(), v.zoneIds(),
                local(v.from(), shown), local(v.until(), shown), shown.siteZone().getId(), v.maxEntries(),
                v.entriesUsed(), v.createdAt().toString(), v.createdBy(), text(v.revokedAt()),
                text(v.lastEntryAt()), text(v.erasedAt()), shown.invitation().map(VisitorController::invitation)
                .orElse(null), passUrl);
    }

    private static InvitationView invitation(Delivery delivery) {
        return new InvitationView(delivery.id(), delivery.state().code(), delivery.attempts(),
                delivery.lastError().orElse(null), delivery.createdAt().toString(), text(delivery.nextAttemptAt()),
                text(delivery.sentAt()));
    }

    private static String local(Instant instant, VisitorPasses.Shown shown) {
        return instant.atZone(shown.siteZone()).toOffsetDateTime().toString();
    }

    private static String text(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
