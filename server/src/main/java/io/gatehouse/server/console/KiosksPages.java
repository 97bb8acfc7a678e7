package io.gatehouse.server.console;

import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.kiosk.Kiosk;
import io.gatehouse.server.kiosk.Kiosks;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /console/doors/kiosks}: the lobby kiosks of the Doors section. Pairing one shows its one-time link, with a
 * QR code to scan with the tablet, once; revoking one refuses its credential at once.
 */
public final class KiosksPages {
    static final String PATH = "/console/doors/kiosks";

    private final Kiosks kiosks;
    private final Links links;
    private final int maxBody;

    public KiosksPages(Kiosks kiosks, Links links, int maxBody) {
        this.kiosks = kiosks;
        this.links = links;
        this.maxBody = maxBody;
    }

    /** A pairing link just made: its address and the path of its QR code. */
    public record NewPairing(String kioskName, String url, String qrPath, String expiresAt) {
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, ctx -> render(ctx, null, null))
                .page(HandlerType.POST, PATH, this::create)
                .page(HandlerType.POST, PATH + "/{id}/revoke", this::revoke)
                .page(HandlerType.GET, PATH + "/{id}/pairing/{token}/qr.png", this::pairingQr);
    }

    private void render(Context ctx, String notice, NewPairing created) {
        ConsoleAccess.require(ctx, Permission.VISITORS_READ);
        Map<String, Object> params = new HashMap<>();
        params.put("kiosks", kiosks.list().stream().map(Kiosk::view).toList());
        params.put("created", created);
        ConsolePages.render(ctx, 200, "doors/kiosks", ConsolePages.chrome(ctx, "doors", "Kiosks", notice, null),
                params);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.VISITORS_WRITE);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        Kiosks.Pairing pairing = kiosks.create(new Kiosks.NewKiosk(form.required("name")), by, Requests.client(ctx));
        String token = pairing.pairingPath().substring(Kiosks.PAIR_PATH.length());
        render(ctx, "Kiosk '" + pairing.kiosk().name() + "' is waiting to be paired: open the link on the tablet.",
                new NewPairing(pairing.kiosk().name(), links.to(pairing.pairingPath()), PATH + "/"
                        + pairing.kiosk().id() + "/pairing/" + token + "/qr.png",
                        pairing.kiosk().pairingExpiresAt().orElseThrow().toString()));
    }

    private void revoke(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.VISITORS_WRITE);
        Kiosk kiosk = kiosks.revoke(ctx.pathParam("id"), by, Requests.client(ctx));
        render(ctx, "Kiosk '" + kiosk.name() + "' is revoked; it stops working at once.", null);
    }

    /** The QR code of a live pairing link, for the tablet's camera; the page that made the link shows it. */
    private void pairingQr(Context ctx) {
        ConsoleAccess.require(ctx, Permission.VISITORS_WRITE);
        String id = ctx.pathParam("id");
        String token = ctx.pathParam("token");
        if (!kiosks.pairingLive(id, token)) {
            throw GatehouseException.gone("pairing_unknown", "this pairing link was used, revoked or has expired");
        }
        Html.noStore(ctx);
        ctx.contentType("image/png").result(QrCode.encode(links.to(Kiosks.PAIR_PATH + token), ErrorCorrection.M)
                .toPng(8, 4));
    }
}
