package io.gatehouse.server.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.OIDCError;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Forms;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.policy.SignInMethod;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The authorization endpoint and its sign-in page. A valid request that the browser's provider session answers is
 * answered at once with a code; otherwise the page asks the person to sign in with the methods the client, the
 * request's level and (once the username is known) their policy allow, strongest first. Every post of the page
 * carries its sealed interaction ({@link Interactions}) and the browser's {@code gh_signin} cookie.
 */
final class SignInController {
    static final String SIGN_IN = "/oauth2/sign-in";
    static final String LOGOUT = "/oauth2/logout";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; form-action 'self' http: https:; frame-ancestors 'none';"
            + " base-uri 'none'";
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final AuthorizationRequests requests;
    private final SignIns signIns;
    private final ProviderSessions sessions;
    private final Tokens tokens;
    private final Interactions interactions;
    private final LoginRequests phones;
    private final Endpoints endpoints;
    private final int maxBody;

    SignInController(AuthorizationRequests requests, SignIns signIns, ProviderSessions sessions, Tokens tokens,
            Interactions interactions, LoginRequests phones, Endpoints endpoints, int maxBody) {
        this.requests = requests;
        this.signIns = signIns;
        this.sessions = sessions;
        this.tokens = tokens;
        this.interactions = interactions;
        this.phones = phones;
        this.endpoints = endpoints;
        this.maxBody = maxBody;
    }

    /** The page's JSON posts: the sealed interaction, and what the method needs. */
    record InteractionRequest(String interaction) {
        InteractionRequest {
            Fields.required("interaction", interaction, "a string");
        }
    }

    record PasskeyRequest(String interaction, String username, String ceremonyId, JsonNode credential) {
        PasskeyRequest {
            Fields.required("interaction", interaction, "a string");
            Fields.required("ceremonyId", ceremonyId, "a string");
            Fields.required("credential", credential, "an object");
        }
    }

    record PhoneRequest(String interaction, String completionToken) {
        PhoneRequest {
            Fields.required("interaction", interaction, "a string");
            Fields.required("completionToken", completionToken, "a string");
        }
    }

    record PhoneStarted(String id, String secret, String loginRequest, int number, String expiresAt, String qr) {
    }

    record Redirect(String redirect) {
    }

    /** Pages, not API operations: they answer people with HTML and redirects, and are kept out of the document. */
    void register(Routes routes) {
        routes.page(HandlerType.GET, Endpoints.AUTHORIZE, this::authorize)
                .page(HandlerType.POST, SIGN_IN + "/continue", this::continueWithUsername)
                .page(HandlerType.POST, SIGN_IN + "/totp", this::code)
                .page(HandlerType.POST, SIGN_IN + "/cancel", this::cancel)
                .page(HandlerType.POST, SIGN_IN + "/passkey/options", this::passkeyOptions)
                .page(HandlerType.POST, SIGN_IN + "/passkey", this::passkey)
                .page(HandlerType.POST, SIGN_IN + "/phone", this::phone)
                .page(HandlerType.POST, SIGN_IN + "/phone/complete", this::phoneComplete);
    }

    /** A checked request and what it asks of the sign-in. */
    private record Pending(AuthorizationRequests.Valid valid, SignIns.Demand demand, String query) {
        OidcClient client() {
            return valid.client();
        }
    }

    private void authorize(Context ctx) {
        String query = Optional.ofNullable(ctx.queryString()).orElse("");
        switch (requests.check(ctx.queryParamMap())) {
            case AuthorizationRequests.ErrorPage page -> errorPage(ctx, page.reason());
            case AuthorizationRequests.ErrorRedirect error -> redirect(ctx, error);
            case AuthorizationRequests.Valid valid -> {
                Pending pending = new Pending(valid, SignIns.Demand.of(valid.client(), valid.request()), query);
                Optional<ProviderSessions.Session> session = session(ctx);
                if (session.isPresent() && signIns.answers(session.get(), valid.client(), pending.demand())) {
                    issue(ctx, pending, session.get(), false);
                } else if (pending.demand().silent()) {
                    redirect(ctx, new AuthorizationRequests.ErrorRedirect(valid.request().getRedirectionURI(),
                            (session.isPresent() ? OIDCError.INTERACTION_REQUIRED : OIDCError.LOGIN_REQUIRED)
                                    .setDescription(session.isPresent() ? "the session does not meet the request"
                                            : "no provider session"), valid.request().getState()));
                } else {
                    page(ctx, 200, pending, "", Optional.empty(), null);
                }
            }
        }
    }

    /** Username first: the page again, with the methods this person may use (the client's for an unknown name). */
    private void continueWithUsername(Context ctx) {
        Map<String, List<String>> form = Forms.all(ctx, maxBody);
        Optional<Pending> pending = pendingForPage(ctx, first(form, "interaction"));
        if (pending.isEmpty()) {
            return;
        }
        String username = Optional.ofNullable(first(form, "username")).orElse("").strip();
        page(ctx, 200, pending.get(), username, Optional.of(username), null);
    }

    private void code(Context ctx) {
        Map<String, List<String>> form = Forms.all(ctx, maxBody);
        Optional<Pending> found = pendingForPage(ctx, first(form, "interaction"));
        if (found.isEmpty()) {
            return;
        }
        Pending pending = found.get();
        String username = Optional.ofNullable(first(form, "username")).orElse("").strip();
        try {
            ProviderSessions.Authentication proof = signIns.code(pending.client(), pending.demand(), username,
                    first(form, "code"), Requests.client(ctx));
            signedIn(ctx, pending, proof, false);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            Object retry = e.extensions().get("retryAfterSeconds");
            if (retry != null) {
                ctx.header("Retry-After", String.valueOf(retry));
            }
            page(ctx, ProblemMapper.status(e), pending, username, Optional.empty(), e.detail());
        }
    }

    /** The person declines to sign in: back to the application with {@code access_denied} (RFC 6749 §4.1.2.1). */
    private void cancel(Context ctx) {
        Optional<Pending> pending = pendingForPage(ctx, first(Forms.all(ctx, maxBody), "interaction"));
        pending.ifPresent(found -> redirect(ctx, new AuthorizationRequests.ErrorRedirect(
                found.valid().request().getRedirectionURI(), OAuth2Error.ACCESS_DENIED.setDescription("the person"
                        + " did not sign in"), found.valid().request().getState())));
    }

    private void passkeyOptions(Context ctx) {
        pending(ctx, Bodies.read(ctx, maxBody, InteractionRequest.class).interaction());
        Html.noStore(ctx);
        ctx.json(signIns.passkeyOptions());
    }

    private void passkey(Context ctx) {
        PasskeyRequest body = Bodies.read(ctx, maxBody, PasskeyRequest.class);
        Pending pending = pending(ctx, body.interaction());
        ProviderSessions.Authentication proof = signIns.passkey(pending.client(), pending.demand(),
                new Ceremonies.Answer(body.ceremonyId(), body.credential()), Optional.ofNullable(body.username()),
                Requests.client(ctx));
        signedIn(ctx, pending, proof, true);
    }

    /** A login request for the phone, named after the application; its QR code as an image the page can show. */
    private void phone(Context ctx) {
        Pending pending = pending(ctx, Bodies.read(ctx, maxBody, InteractionRequest.class).interaction());
        if (!signIns.offered(pending.client(), pending.demand()).contains(SignInMethod.PHONE)) {
            throw GatehouseException.forbidden("method_not_allowed", "this application does not accept sign-in"
                    + " with your phone");
        }
        LoginRequests.Created created = phones.create(pending.client().name(), Requests.client(ctx));
        String qr = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                QrCode.encode(created.loginRequest(), ErrorCorrection.M).toPng(6));
        Html.noStore(ctx);
        ctx.status(201).json(new PhoneStarted(created.id(), created.secret(), created.loginRequest(),
                created.number(), created.expiresAt().toString(), qr));
    }

    private void phoneComplete(Context ctx) {
        PhoneRequest body = Bodies.read(ctx, maxBody, PhoneRequest.class);
        Pending pending = pending(ctx, body.interaction());
        ProviderSessions.Authentication proof = signIns.phone(pending.client(), pending.demand(),
                body.completionToken(), Requests.client(ctx));
        signedIn(ctx, pending, proof, true);
    }

    /** The request a page posted back: 1 its interaction is sealed, live and this browser's, 2 it is still valid. */
    private Pending pending(Context ctx, String interaction) {
        Interactions.Interaction opened = interactions.open(interaction, ctx.cookie(Cookies.SIGN_IN.name(
                endpoints)));
        if (!(requests.check(URLUtils.parseParameters(opened.query())) instanceof AuthorizationRequests.Valid valid)
                || !valid.client().clientId().equals(opened.clientId())) {
            throw GatehouseException.gone("sign_in_expired", "this sign-in request is no longer valid; go back to"
                    + " the application and start again");
        }
        return new Pending(valid, SignIns.Demand.of(valid.client(), valid.request()), opened.query());
    }

    /** As {@link #pending}, for a form a person posted: a refusal is a page, not a problem document. */
    private Optional<Pending> pendingForPage(Context ctx, String interaction) {
        try {
            return Optional.of(pending(ctx, interaction));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            message(ctx, ProblemMapper.status(e), "Sign-in expired", e.detail());
            return Optional.empty();
        }
    }

    private Optional<ProviderSessions.Session> session(Context ctx) {
        return Optional.ofNullable(ctx.cookie(Cookies.SESSION.name(endpoints)))
                .flatMap(cookie -> sessions.resolve(cookie, Requests.client(ctx)));
    }

    /** A person proved who they are: a new provider session (replacing the browser's) and the request's code. */
    private void signedIn(Context ctx, Pending pending, ProviderSessions.Authentication proof, boolean json) {
        SignIns.Finished finished = signIns.finish(pending.client(), proof, session(ctx),
                signIn -> grant(pending, signIn), Requests.client(ctx));
        ctx.res().addHeader("Set-Cookie", Cookies.SESSION.header(endpoints, finished.cookie(), -1));
        answer(ctx, pending, finished.code(), json);
    }

    /** A code for the request from the browser's session (signed in before). */
    private void issue(Context ctx, Pending pending, ProviderSessions.Session session, boolean json) {
        answer(ctx, pending, tokens.issueCode(grant(pending, signIns.signInOf(session)), Requests.client(ctx)),
                json);
    }

    private static CodeGrant grant(Pending pending, SignIn signIn) {
        AuthorizationRequests.Valid valid = pending.valid();
        return new CodeGrant(valid.client().clientId(), valid.request().getRedirectionURI().toString(),
                Optional.ofNullable(valid.request().getCodeChallenge()).map(challenge -> challenge.getValue()),
                Optional.ofNullable(valid.request().getNonce()).map(nonce -> nonce.getValue()),
                valid.request().getScope().toString(), signIn);
    }

    /** Back to the client with the code: by redirect (a form) or as JSON (the page's script). */
    private void answer(Context ctx, Pending pending, String code, boolean json) {
        AuthorizationRequests.Valid valid = pending.valid();
        URI location = new AuthenticationSuccessResponse(valid.request().getRedirectionURI(),
                new AuthorizationCode(code), null, null, valid.request().getState(), null,
                new Issuer(endpoints.issuer()), ResponseMode.QUERY).toURI();
        Html.noStore(ctx);
        if (json) {
            ctx.json(new Redirect(location.toString()));
        } else {
            ctx.redirect(location.toString(), HttpStatus.SEE_OTHER);
        }
    }

    private void page(Context ctx, int status, Pending pending, String username, Optional<String> known,
            String error) {
        String browser = Optional.ofNullable(ctx.cookie(Cookies.SIGN_IN.name(endpoints)))
                .filter(value -> !value.isBlank() && value.length() <= 64).orElse(null);
        if (browser == null) {
            browser = interactions.newBrowserSecret();
            ctx.res().addHeader("Set-Cookie", Cookies.SIGN_IN.header(endpoints, browser,
                    Interactions.LIFETIME.toSeconds()));
        }
        String sealed = interactions.seal(pending.client().clientId(), pending.query(), browser);
        Set<SignInMethod> methods = known.map(name -> signIns.methodsFor(pending.client(), pending.demand(), name))
                .orElseGet(() -> signIns.offered(pending.client(), pending.demand()));
        Map<String, Object> params = new HashMap<>();
        params.put("application", pending.client().name());
        params.put("interaction", sealed);
        params.put("username", username);
        params.put("methods", SignInMethod.codes(methods));
        params.put("phishingResistant", pending.demand().phishingResistant());
        params.put("error", error);
        render(ctx, status, "oidc/sign-in.jte", params);
    }

    private void errorPage(Context ctx, String reason) {
        message(ctx, 400, "Sign-in request refused", reason + " Return to the application and try again; if this"
                + " persists, tell its administrator.");
    }

    private void redirect(Context ctx, AuthorizationRequests.ErrorRedirect error) {
        AuthenticationErrorResponse response = new AuthenticationErrorResponse(error.redirectUri(), error.error(),
                error.state(), new Issuer(endpoints.issuer()), ResponseMode.QUERY);
        Html.noStore(ctx);
        ctx.redirect(response.toURI().toString(), HttpStatus.SEE_OTHER);
    }

    /** A page that only says something: a refusal, an expiry, a sign-out. */
    static void message(Context ctx, int status, String title, String detail) {
        Map<String, Object> params = new HashMap<>();
        params.put("title", title);
        params.put("detail", detail);
        render(ctx, status, "login/unavailable.jte", params);
    }

    static void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, params, output);
        Html.noStore(ctx);
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
