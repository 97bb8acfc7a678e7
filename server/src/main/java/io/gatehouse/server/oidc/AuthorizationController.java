package io.gatehouse.server.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.Prompt;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * {@code GET /oauth2/authorize}. Checks the request ({@link AuthorizationRequests}); the sign-in page that follows a
 * valid request is not built yet, so a valid request is answered {@code login_required} for {@code prompt=none}
 * and {@code temporarily_unavailable} otherwise, both by redirect to the registered URI with {@code state} and
 * {@code iss} (RFC 9207: the client can tell which provider answered, against mix-up).
 */
public final class AuthorizationController {
    private final AuthorizationRequests requests;
    private final Endpoints endpoints;

    AuthorizationController(AuthorizationRequests requests, Endpoints endpoints) {
        this.requests = requests;
        this.endpoints = endpoints;
    }

    /** A page, not an API operation: it answers people with HTML and redirects, so it is kept out of the document. */
    public void register(Routes routes) {
        routes.page(HandlerType.GET, Endpoints.AUTHORIZE, this::authorize);
    }

    private void authorize(Context ctx) {
        switch (requests.check(ctx.queryParamMap())) {
            case AuthorizationRequests.ErrorPage page -> Html.render(ctx, 400, "Sign-in request refused",
                    "<p>" + Html.escape(page.reason()) + "</p><p>Return to the application and try again; if this"
                            + " persists, tell its administrator.</p>");
            case AuthorizationRequests.ErrorRedirect error -> redirect(ctx, error);
            case AuthorizationRequests.Valid valid -> {
                boolean silent = valid.request().getPrompt() != null
                        && valid.request().getPrompt().contains(Prompt.Type.NONE);
                ErrorObject error = silent ? OIDCError.LOGIN_REQUIRED.setDescription("no provider session")
                        : OAuth2Error.TEMPORARILY_UNAVAILABLE.setDescription("interactive sign-in is not available"
                                + " on this server yet");
                redirect(ctx, new AuthorizationRequests.ErrorRedirect(valid.request().getRedirectionURI(), error,
                        valid.request().getState()));
            }
        }
    }

    private void redirect(Context ctx, AuthorizationRequests.ErrorRedirect error) {
        AuthenticationErrorResponse response = new AuthenticationErrorResponse(error.redirectUri(), error.error(),
                error.state(), new Issuer(endpoints.issuer()), ResponseMode.QUERY);
        Html.noStore(ctx);
        ctx.redirect(response.toURI().toString(), io.javalin.http.HttpStatus.SEE_OTHER);
    }
}
