package io.gatehouse.server.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.passkey.Ceremonies;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The web wallet: an installable page (manifest, icons, a service worker that keeps its shell) and the two endpoints
 * that turn one passkey assertion into one door code. Like the passkey ceremonies they need no API token: the
 * passkey's signature is the credential.
 */
public final class WalletController {
    public static final String PAGE_PATH = "/wallet";
    /**
     * Scripts only from this server and none inline; the QR code is drawn from a {@code blob:} URL of the SVG the
     * server sent, so {@code img-src} allows that and nothing else foreign.
     */
    private static final String CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'"
            + " blob:; style-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'none'; frame-ancestors"
            + " 'none'; base-uri 'none'";

    private final DoorCodes doorCodes;
    private final int maxBody;

    public WalletController(DoorCodes doorCodes, int maxBody) {
        this.doorCodes = doorCodes;
        this.maxBody = maxBody;
    }

    /** The body of a door code request: the ceremony and the browser's {@code PublicKeyCredential}. */
    record DoorCodeRequest(String ceremonyId, JsonNode credential) {
        DoorCodeRequest {
            Fields.required("ceremonyId", ceremonyId, "a string");
            Fields.required("credential", credential, "an object");
            if (!credential.isObject()) {
                throw GatehouseException.invalidField("credential", "an object",
                        credential.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** The options request has nothing to say: the phone names no one. */
    record OptionsRequest() {
    }

    public void register(Routes routes) {
        byte[] page = resource("wallet.html");
        routes.post("/api/v1/wallet/door-code/options", ctx -> {
            Bodies.readOptional(ctx, maxBody, OptionsRequest.class);
            Html.noStore(ctx);
            ctx.json(doorCodes.options());
        }).post("/api/v1/wallet/door-code", ctx -> {
            var body = Bodies.read(ctx, maxBody, DoorCodeRequest.class);
            Html.noStore(ctx);
            ctx.json(doorCodes.mint(new Ceremonies.Answer(body.ceremonyId(), body.credential()),
                    Requests.client(ctx)));
        }).get(PAGE_PATH, ctx -> shell(ctx, "text/html; charset=utf-8", page));
        asset(routes, "wallet.js", "text/javascript; charset=utf-8");
        asset(routes, "webauthn.js", "text/javascript; charset=utf-8");
        asset(routes, "wallet.css", "text/css; charset=utf-8");
        asset(routes, "sw.js", "text/javascript; charset=utf-8");
        asset(routes, "manifest.webmanifest", "application/manifest+json");
        asset(routes, "icon-192.png", "image/png");
        asset(routes, "icon-512.png", "image/png");
    }

    private static void asset(Routes routes, String name, String type) {
        byte[] body = resource(name);
        routes.get(PAGE_PATH + "/" + name, ctx -> shell(ctx, type, body));
    }

    /**
     * The shell holds no secret and is the same for everyone, so it may be cached; the browser revalidates it so
     * that a fixed script reaches every phone.
     */
    private static void shell(Context ctx, String type, byte[] body) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.contentType(type).result(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = WalletController.class.getResourceAsStream("/wallet/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/wallet/" + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
