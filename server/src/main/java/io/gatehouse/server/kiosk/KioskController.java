package io.gatehouse.server.kiosk;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import java.util.List;

/** Pairing, listing and revoking lobby kiosks: visitor reception, under the visitors permissions. */
public final class KioskController {
    private final Kiosks kiosks;
    private final Authenticator auth;
    private final Links links;
    private final int maxBody;

    public KioskController(Kiosks kiosks, Authenticator auth, Links links, int maxBody) {
        this.kiosks = kiosks;
        this.auth = auth;
        this.links = links;
        this.maxBody = maxBody;
    }

    /** A new kiosk with its one-time pairing link, shown only in this answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Created(String id, String name, String state, String pairingUrl, String pairingExpiresAt,
            String createdAt) {
    }

    record KioskList(List<Kiosk.View> items) {
    }

    public void register(Routes routes) {
        routes.post("/api/v1/kiosks", ctx -> {
            Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
            Kiosks.NewKiosk body = Bodies.read(ctx, maxBody, Kiosks.NewKiosk.class);
            Kiosks.Pairing pairing = kiosks.create(body, by, Requests.client(ctx));
            Kiosk.View view = pairing.kiosk().view();
            Html.noStore(ctx);
            ctx.status(201).json(new Created(view.id(), view.name(), view.state(), links.to(pairing.pairingPath()),
                    view.pairingExpiresAt(), view.createdAt()));
        }).get("/api/v1/kiosks", ctx -> {
            auth.require(ctx, Permission.VISITORS_READ);
            ctx.json(new KioskList(kiosks.list().stream().map(Kiosk::view).toList()));
        }).get("/api/v1/kiosks/{id}", ctx -> {
            auth.require(ctx, Permission.VISITORS_READ);
            ctx.json(kiosks.get(ctx.pathParam("id")).view());
        }).post("/api/v1/kiosks/{id}/revoke", ctx -> {
            Principal by = auth.require(ctx, Permission.VISITORS_WRITE);
            ctx.json(kiosks.revoke(ctx.pathParam("id"), by, Requests.client(ctx)).view());
        });
    }
}
