package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Forms;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Requests;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The console's door: every request under {@code /console} but the sign-in page and the static assets needs a live
 * session, and every change also its CSRF token. The session cookie is HttpOnly and SameSite=Strict (and Secure,
 * with the {@code __Host-} prefix, when the public URL is https), so no other site's page can send it; the token is
 * the second, independent defence.
 */
public final class ConsoleAccess {
    static final String ATTRIBUTE = "gatehouse.console.session";
    public static final String CSRF_FIELD = "_csrf";
    static final String VERIFICATION_REQUIRED = "verification_required";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    static final String SIGN_IN = "/console/sign-in";
    private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final ConsoleSessions sessions;
    private final Links links;
    private final int maxBody;
    private final Clock clock;

    public ConsoleAccess(ConsoleSessions sessions, Links links, int maxBody, Clock clock) {
        this.sessions = sessions;
        this.links = links;
        this.maxBody = maxBody;
        this.clock = clock;
    }

    /** The session of a request that passed {@link #filter}. */
    public static ConsoleSessions.Signed session(Context ctx) {
        ConsoleSessions.Signed signed = ctx.attribute(ATTRIBUTE);
        if (signed == null) {
            throw new IllegalStateException("console route " + ctx.path() + " is not behind the session filter");
        }
        return signed;
    }

    /** Whom a console request acts as, for the services. */
    public static Principal principal(Context ctx) {
        return session(ctx).principal();
    }

    /**
     * The request's principal, when its roles grant {@code permission}.
     *
     * @throws GatehouseException 403 {@code insufficient_scope}, shown as a page
     */
    public static Principal require(Context ctx, Permission permission) {
        return principal(ctx).require(permission);
    }

    /**
     * For a dangerous action: the person must have verified themselves within the last five minutes, else they are
     * sent to verify and then back to {@code returnTo}.
     *
     * @throws GatehouseException 403 {@code verification_required}, which the console answers with a redirect
     */
    public void requireFresh(Context ctx, String returnTo) {
        if (!session(ctx).freshAt(clock.millis())) {
            throw new GatehouseException(GatehouseException.Kind.FORBIDDEN, VERIFICATION_REQUIRED, "this action needs"
                    + " a fresh user verification (within the last " + ConsoleSessions.FRESH_VERIFICATION.toMinutes()
                    + " minutes)", Map.of("returnTo", safeReturn(returnTo)));
        }
    }

    /**
     * Before every console route: 1 a public path (sign-in, assets) passes; 2 a request from another origin is
     * refused; 3 without a live session the browser is sent to sign in; 4 a change must carry the session's CSRF
     * token (form field {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}), else 403 and nothing changes.
     */
    public void filter(Context ctx) {
        String path = ctx.path();
        boolean change = !SAFE.contains(ctx.method());
        // 2. an Origin header, which browsers send with every change, must be this server's
        if (change && !sameOrigin(ctx)) {
            throw GatehouseException.forbidden("cross_origin", "changes to the console must come from its own pages");
        }
        if (isPublic(path)) {
            return;
        }
        // 3. a live session
        Optional<ConsoleSessions.Signed> signed = cookie(ctx).flatMap(value -> sessions.resolve(value,
                Requests.client(ctx)));
        if (signed.isEmpty()) {
            clearCookie(ctx);
            sendToSignIn(ctx, change ? "/console" : pathWithQuery(ctx));
            return;
        }
        ctx.attribute(ATTRIBUTE, signed.get());
        // 4. the CSRF token of this session
        if (change) {
            String presented = ctx.header(CSRF_HEADER);
            if (presented == null && Forms.isForm(ctx)) {
                List<String> field = Forms.all(ctx, maxBody).get(CSRF_FIELD);
                presented = field == null ? null : field.get(0);
            }
            if (!ConsoleSessions.csrfMatches(signed.get().csrfToken(), presented)) {
                throw GatehouseException.forbidden("csrf_failed", presented == null ? "this change carries no CSRF"
                        + " token; submit it from the console's own form" : "this change carries a CSRF token that is"
                        + " not this session's; reload the page and try again");
            }
        }
    }

    /** Sets the session cookie after sign-in. */
    public void setCookie(Context ctx, ConsoleSessions.Started started) {
        ctx.res().addHeader("Set-Cookie", cookieName() + "=" + started.cookie() + "; Path=/; HttpOnly; SameSite="
                + SameSite.STRICT.getValue() + (secure() ? "; Secure" : "") + "; Max-Age="
                + sessions.settings().absoluteTimeout().toSeconds());
    }

    public void clearCookie(Context ctx) {
        if (ctx.cookie(cookieName()) != null) {
            ctx.res().addHeader("Set-Cookie", cookieName() + "=; Path=/; HttpOnly; SameSite="
                    + SameSite.STRICT.getValue() + (secure() ? "; Secure" : "") + "; Max-Age=0");
        }
    }

    /** A redirect that htmx follows as a whole-page navigation, and a browser as a plain 303. */
    public static void redirect(Context ctx, String location) {
        if (ctx.header("HX-Request") != null) {
            ctx.header("HX-Redirect", location);
            ctx.status(204);
        } else {
            ctx.redirect(location, io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    /** Where the browser goes after signing in or verifying: only a console path, never another site. */
    public static String safeReturn(String requested) {
        if (requested == null || !requested.startsWith("/console") || requested.startsWith("//")
                || requested.contains("\\") || requested.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            return "/console";
        }
        return requested;
    }

    Optional<String> cookie(Context ctx) {
        return Optional.ofNullable(ctx.cookie(cookieName()));
    }

    private static void sendToSignIn(Context ctx, String returnTo) {
        redirect(ctx, SIGN_IN + "?next=" + URLEncoder.encode(safeReturn(returnTo), StandardCharsets.UTF_8));
        ctx.skipRemainingHandlers();
    }

    private static boolean isPublic(String path) {
        return path.equals(SIGN_IN) || path.startsWith(SIGN_IN + "/") || path.startsWith("/console/assets/");
    }

    private boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        URI base = links.base();
        return origin.equals(base.getScheme() + "://" + base.getAuthority());
    }

    private static String pathWithQuery(Context ctx) {
        String query = ctx.queryString();
        return ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    private String cookieName() {
        // The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and for path /.
        return secure() ? "__Host-gh_console" : "gh_console";
    }

    private boolean secure() {
        return "https".equals(links.base().getScheme());
    }

}
