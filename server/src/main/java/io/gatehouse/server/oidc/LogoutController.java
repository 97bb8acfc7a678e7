package io.gatehouse.server.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RP-Initiated Logout 1.0 ({@code end_session_endpoint}): ends the browser's provider session and returns to the
 * application when it names a post-logout URI registered for it. A request with a valid {@code id_token_hint}
 * signs out at once; one without asks the person first with a form posted back here (a page elsewhere cannot
 * sign anyone out by linking here: the cross-site post carries no SameSite=Lax cookie).
 */
final class LogoutController {
    private final OidcClients clients;
    private final ProviderSessions sessions;
    private final IdTokens idTokens;
    private final Endpoints endpoints;

    LogoutController(OidcClients clients, ProviderSessions sessions, IdTokens idTokens, Endpoints endpoints) {
        this.clients = clients;
        this.sessions = sessions;
        this.idTokens = idTokens;
        this.endpoints = endpoints;
    }

    void register(Routes routes) {
        routes.page(HandlerType.GET, SignInController.LOGOUT, ctx -> logout(ctx, false))
                .page(HandlerType.POST, SignInController.LOGOUT, ctx -> logout(ctx, true));
    }

    /**
     * 1 an {@code id_token_hint}, if sent, is an ID token this provider signed, 2 a {@code client_id}, if sent, is
     * the hint's audience, 3 a {@code post_logout_redirect_uri}, if sent, is registered exactly for that client;
     * 4 without a hint the person confirms first; then the session ends (audited) and the browser goes back.
     */
    private void logout(Context ctx, boolean confirmed) {
        String hint = parameter(ctx, "id_token_hint");
        Optional<JWTClaimsSet> claims = Optional.ofNullable(hint).flatMap(idTokens::verifyHint);
        if (hint != null && claims.isEmpty()) {
            refuse(ctx, "The sign-out request carries an ID token this server did not issue.");
            return;
        }
        List<String> audience = claims.map(JWTClaimsSet::getAudience).orElse(List.of());
        String clientId = Optional.ofNullable(parameter(ctx, "client_id"))
                .orElse(audience.size() == 1 ? audience.get(0) : null);
        if (clientId != null && !audience.isEmpty() && !audience.contains(clientId)) {
            refuse(ctx, "The sign-out request names another application than its ID token.");
            return;
        }
        String returnTo = parameter(ctx, "post_logout_redirect_uri");
        Optional<OidcClient> client = clients.find(clientId);
        if (returnTo != null && client.filter(found -> found.allowsPostLogoutRedirect(returnTo)).isEmpty()) {
            refuse(ctx, "The address the application asked to return to after signing out is not registered"
                    + " for it.");
            return;
        }
        String state = parameter(ctx, "state");
        if (claims.isEmpty() && !confirmed) {
            Map<String, Object> params = new HashMap<>();
            params.put("application", client.map(OidcClient::name).orElse(null));
            params.put("clientId", clientId);
            params.put("returnTo", returnTo);
            params.put("state", state);
            SignInController.render(ctx, 200, "oidc/logout.jte", params);
            return;
        }
        Optional.ofNullable(ctx.cookie(Cookies.SESSION.name(endpoints)))
                .flatMap(cookie -> sessions.resolve(cookie, Requests.client(ctx)))
                .ifPresent(session -> sessions.end(session, "logout", Requests.client(ctx)));
        ctx.res().addHeader("Set-Cookie", Cookies.SESSION.header(endpoints, "", 0));
        if (returnTo != null) {
            Html.noStore(ctx);
            ctx.redirect(returnTo + (state == null ? "" : (returnTo.contains("?") ? "&" : "?") + "state="
                    + URLEncoder.encode(state, StandardCharsets.UTF_8)), HttpStatus.SEE_OTHER);
            return;
        }
        SignInController.message(ctx, 200, "You are signed out", "You are signed out of Gatehouse in this browser."
                + " Applications you signed in to may keep their own sessions until they end.");
    }

    private static String parameter(Context ctx, String name) {
        String value = ctx.method() == HandlerType.POST ? ctx.formParam(name) : ctx.queryParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static void refuse(Context ctx, String reason) {
        SignInController.message(ctx, 400, "Sign-out request refused", reason);
    }
}
