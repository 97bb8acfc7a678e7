package io.gatehouse.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.server.http.Html;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders console pages from the templates under {@code src/main/jte/console}, compiled at build time with HTML
 * escaping by context: a value can only become text or an attribute value, never markup. Every page gets the same
 * strict policy: scripts and styles from this server only, nothing inline, no framing, no caching.
 */
public final class ConsolePages {
    /** No inline script or style anywhere; charts draw on canvas; QR codes are this server's images. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private ConsolePages() {
    }

    /**
     * Writes the page {@code template} (a name under {@code console/}, without {@code .jte}) with {@code params} and
     * the layout's {@code chrome}.
     */
    public static void render(Context ctx, int status, String template, Chrome chrome, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("chrome", chrome);
        StringOutput output = new StringOutput();
        ENGINE.render("console/" + template + ".jte", all, output);
        headers(ctx);
        ctx.status(status);
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(output.toString());
    }

    /** A page of the signed-in console: the chrome comes from the request's session. */
    public static void render(Context ctx, String page, String title, String template, Map<String, Object> params,
            String... scripts) {
        render(ctx, 200, template, chrome(ctx, page, title, null, null, scripts), params);
    }

    /** The chrome of a signed-in page; {@code notice} and {@code error} may be null. */
    public static Chrome chrome(Context ctx, String page, String title, String notice, String error,
            String... scripts) {
        ConsoleSessions.Signed signed = ConsoleAccess.session(ctx);
        java.util.function.LongSupplier openAlerts = ctx.attribute(AlertsPages.OPEN_ALERTS);
        long open = openAlerts != null && signed.principal().has(io.gatehouse.server.auth.Permission.ALERTS)
                ? openAlerts.getAsLong() : 0;
        return new Chrome(page, title, signed.user().username(), List.copyOf(signed.user().roles()),
                signed.principal().permissions(), signed.csrfToken(), notice, error, List.of(scripts), open);
    }

    /** A page shown without a session (sign-in, bootstrap, errors before sign-in). */
    public static Chrome anonymous(String page, String title, String error, String... scripts) {
        return new Chrome(page, title, null, List.of(), java.util.Set.of(), "", null, error, List.of(scripts), 0);
    }

    static void headers(Context ctx) {
        Html.noStore(ctx);
        // Not no-referrer: with it, browsers send "Origin: null" on form posts, and the console checks the origin
        // of every change. same-origin still tells no other site anything.
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    }
}
