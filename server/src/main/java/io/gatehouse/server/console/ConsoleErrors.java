package io.gatehouse.server.console;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.ProblemMapper;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Failures of console requests as the console shows them: a page with the problem's title and detail for a page or
 * form, a fragment announced in the page's alert region for htmx, a problem document for the console's own scripts
 * (which post JSON), and a detour through verification when a dangerous action needs a fresh one.
 */
public final class ConsoleErrors {
    private ConsoleErrors() {
    }

    public static boolean write(GatehouseException e, Context ctx) {
        if (!ctx.path().startsWith("/console") || wantsJson(ctx)) {
            return false;
        }
        if (ConsoleAccess.VERIFICATION_REQUIRED.equals(e.code())) {
            Object returnTo = e.extensions().get("returnTo");
            ConsoleAccess.redirect(ctx, "/console/verify?next=" + URLEncoder.encode(ConsoleAccess.safeReturn(
                    returnTo == null ? null : returnTo.toString()), StandardCharsets.UTF_8));
            return true;
        }
        int status = ProblemMapper.status(e);
        ConsoleSessions.Signed signed = ctx.attribute(ConsoleAccess.ATTRIBUTE);
        if (ctx.header("HX-Request") != null) {
            ConsolePages.render(ctx, status, "alert", ConsolePages.anonymous("alert", ProblemMapper.title(e), null),
                    Map.of("detail", e.detail(), "code", e.code()));
            ctx.header("HX-Retarget", "#alerts");
            ctx.header("HX-Reswap", "innerHTML");
            return true;
        }
        Chrome chrome = signed == null ? ConsolePages.anonymous("error", ProblemMapper.title(e), null)
                : ConsolePages.chrome(ctx, "error", ProblemMapper.title(e), null, null);
        ConsolePages.render(ctx, status, "error", chrome, Map.of("detail", e.detail(), "code", e.code()));
        return true;
    }

    /** The console's scripts post JSON and read problem documents; forms and links want a page. */
    private static boolean wantsJson(Context ctx) {
        String type = ctx.contentType();
        String accept = ctx.header("Accept");
        return type != null && type.startsWith("application/json")
                || accept != null && accept.startsWith("application/json");
    }
}
