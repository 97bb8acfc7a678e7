package io.gatehouse.server.passkey;

import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The passkey ceremonies as JSON endpoints, and the page that registers this phone's passkey through a device
 * enrollment link. The link's token is the credential of a registration; an assertion is answered only by the
 * passkey's signature, so neither needs an API token.
 */
public final class PasskeyController {
    public static final String PAGE_PATH = "/enroll/passkey/";
    public static final String SCRIPT_PATH = "/passkey/register.js";
    /** The WebAuthn helpers the registration script needs first; the wallet serves them. */
    public static final String HELPERS_PATH = "/wallet/webauthn.js";
    /** Scripts only from this server, none inline: an injected script cannot run on a page that makes passkeys. */
    private static final String CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self';"
            + " style-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final PasskeyService passkeys;
    private final int maxBody;
    private final byte[] page = resource("/passkey/register.html");
    private final byte[] script = resource("/passkey/register.js");

    public PasskeyController(PasskeyService passkeys, int maxBody) {
        this.passkeys = passkeys;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/passkeys/registration/options", ctx -> {
            var body = Bodies.read(ctx, maxBody, PasskeyRequests.RegistrationOptions.class);
            Html.noStore(ctx);
            ctx.json(passkeys.registrationOptions(body.enrollmentToken()));
        }).post("/api/v1/passkeys/registration", ctx -> {
            var body = Bodies.read(ctx, maxBody, PasskeyRequests.Registration.class);
            Html.noStore(ctx);
            ctx.status(201).json(passkeys.finishRegistration(body.enrollmentToken(),
                    new Ceremonies.Answer(body.ceremonyId(), body.credential()), Requests.client(ctx)));
        }).post("/api/v1/passkeys/assertion/options", ctx -> {
            var body = Bodies.read(ctx, maxBody, PasskeyRequests.AssertionOptions.class);
            Html.noStore(ctx);
            ctx.json(passkeys.assertionOptions(body.deviceId()));
        }).post("/api/v1/passkeys/assertion", ctx -> {
            var body = Bodies.read(ctx, maxBody, PasskeyRequests.Assertion.class);
            Html.noStore(ctx);
            ctx.json(passkeys.finishAssertion(new Ceremonies.Answer(body.ceremonyId(), body.credential()),
                    Requests.client(ctx)));
        }).get(PAGE_PATH + "{token}", ctx -> send(ctx, "text/html; charset=utf-8", page))
                .get(SCRIPT_PATH, ctx -> send(ctx, "text/javascript; charset=utf-8", script));
    }

    /** The page is the same for every link (its script reads the token from the address), so it reveals nothing. */
    private static void send(Context ctx, String type, byte[] body) {
        Html.noStore(ctx);
        ctx.header("Content-Security-Policy", CSP);
        ctx.contentType(type).result(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PasskeyController.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
