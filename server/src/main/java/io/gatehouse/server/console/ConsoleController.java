package io.gatehouse.server.console;

import io.gatehouse.server.auth.TokenController;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyService;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The console's own routes: signing in with a passkey, verifying again for a dangerous action, signing out, the
 * person's sessions, the bootstrap link's passkey registration, and the static assets. The pages of each section
 * are other controllers'.
 */
public final class ConsoleController {
    /** The WebJars the console uses; its own scripts and styles are files under {@code console/assets/}. */
    private static final Map<String, String> WEBJARS = Map.of(
            "htmx.min.js", "/META-INF/resources/webjars/htmx.org/2.0.8/dist/htmx.min.js",
            "echarts.min.js", "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js");
    private static final java.util.regex.Pattern ASSET = java.util.regex.Pattern.compile("[a-z0-9-]+\\.(js|css)");

    private final ConsoleSessions sessions;
    private final ConsoleAccess access;
    private final ConsoleBootstrap bootstrap;
    private final CodeSignIn codes;
    private final PasskeyService passkeys;
    private final Clock clock;
    private final int maxBody;

    public ConsoleController(ConsoleSessions sessions, ConsoleAccess access, ConsoleBootstrap bootstrap,
            CodeSignIn codes, PasskeyService passkeys, Clock clock, int maxBody) {
        this.sessions = sessions;
        this.access = access;
        this.bootstrap = bootstrap;
        this.codes = codes;
        this.passkeys = passkeys;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    /** A ceremony's answer, as the console's script posts it. */
    record Answer(String ceremonyId, com.fasterxml.jackson.databind.JsonNode credential) {
        Answer {
            io.gatehouse.server.common.Fields.required("ceremonyId", ceremonyId, "a string");
            io.gatehouse.server.common.Fields.required("credential", credential, "an object");
        }

        Ceremonies.Answer command() {
            return new Ceremonies.Answer(ceremonyId, credential);
        }
    }

    /** The bootstrap passkey's answer, with the enrollment its options came with. */
    record BootstrapAnswer(String ceremonyId, com.fasterxml.jackson.databind.JsonNode credential,
            String enrollment) {
        BootstrapAnswer {
            io.gatehouse.server.common.Fields.required("ceremonyId", ceremonyId, "a string");
            io.gatehouse.server.common.Fields.required("credential", credential, "an object");
            io.gatehouse.server.common.Fields.required("enrollment", enrollment, "a string");
        }
    }

    record BootstrapStart(String username) {
        BootstrapStart {
            io.gatehouse.server.common.Fields.required("username", username, "a string");
        }
    }

    /** Where the browser goes next. */
    record Next(String redirect) {
    }

    /** Options and, for the bootstrap link, the enrollment to send back with the answer. */
    record BootstrapOptions(String ceremonyId, com.fasterxml.jackson.databind.JsonNode publicKey, String expiresAt,
            String enrollment) {
    }

    public void register(Routes routes) {
        routes.before("/console", access::filter)
                .before("/console/*", access::filter)
                .page(HandlerType.GET, "/console/assets/{name}", this::asset)
                .page(HandlerType.GET, ConsoleAccess.SIGN_IN, this::signInPage)
                .page(HandlerType.POST, ConsoleAccess.SIGN_IN + "/options", ctx -> ctx.json(
                        passkeys.discoverableAssertionOptions()))
                .page(HandlerType.POST, ConsoleAccess.SIGN_IN, this::signIn)
                .page(HandlerType.POST, ConsoleAccess.SIGN_IN + "/code", this::signInWithCode)
                .page(HandlerType.POST, "/console/sign-out", this::signOut)
                .page(HandlerType.GET, "/console/verify", this::verifyPage)
                .page(HandlerType.POST, "/console/verify/options", ctx -> ctx.json(
                        passkeys.discoverableAssertionOptions()))
                .page(HandlerType.POST, "/console/verify", this::verify)
                .page(HandlerType.POST, "/console/verify/code", this::verifyWithCode)
                .page(HandlerType.GET, "/console/sessions", this::sessionsPage)
                .page(HandlerType.POST, "/console/sessions/{id}/revoke", this::revokeSession)
                .get(TokenController.BOOTSTRAP_PATH + "{secret}", this::bootstrapPage)
                .post(TokenController.BOOTSTRAP_PATH + "{secret}/passkey/options", this::bootstrapOptions)
                .post(TokenController.BOOTSTRAP_PATH + "{secret}/passkey", this::bootstrapFinish);
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        String resource = WEBJARS.getOrDefault(name, ASSET.matcher(name).matches() ? "/console/assets/" + name
                : null);
        InputStream found = resource == null ? null : ConsoleController.class.getResourceAsStream(resource);
        if (found == null) {
            throw GatehouseException.notFound("not_found", "no console asset '" + name + "'");
        }
        try (InputStream in = found) {
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType(resource.endsWith(".css") ? "text/css; charset=utf-8"
                    : "text/javascript; charset=utf-8");
            ctx.result(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    private void signInPage(Context ctx) {
        String next = ConsoleAccess.safeReturn(ctx.queryParam("next"));
        Optional<ConsoleSessions.Signed> signed = access.cookie(ctx).flatMap(value -> sessions.resolve(value,
                Requests.client(ctx)));
        if (signed.isPresent()) {
            ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        signInPage(ctx, 200, next, null, "");
    }

    private static void signInPage(Context ctx, int status, String next, String error, String username) {
        ConsolePages.render(ctx, status, "sign-in", ConsolePages.anonymous("sign-in", "Sign in", error,
                "/wallet/webauthn.js", "/console/assets/passkey.js"), Map.of("next", next, "username", username));
    }

    /** A TOTP or recovery code signs in a person whose policy allows it; a refusal shows the form again. */
    private void signInWithCode(Context ctx) {
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        String next = ConsoleAccess.safeReturn(form.text("next"));
        String username = form.text("username");
        try {
            ConsoleSessions.Started started = codes.signIn(username, form.text("code"), Requests.client(ctx));
            access.setCookie(ctx, started);
            ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            e.extensions().forEach((key, value) -> {
                if (key.equals("retryAfterSeconds")) {
                    ctx.header("Retry-After", String.valueOf(value));
                }
            });
            signInPage(ctx, ProblemMapper.status(e), next, e.detail(), username == null ? "" : username);
        }
    }



    /** A passkey assertion over a single-use challenge of this server signs its person in, when they may. */
    private void signIn(Context ctx) {
        Answer answer = Bodies.read(ctx, maxBody, Answer.class);
        Ceremonies.Verified verified = passkeys.finishAssertion(answer.command(), Requests.client(ctx));
        ConsoleSessions.Started started = sessions.signIn(verified, Requests.client(ctx));
        access.setCookie(ctx, started);
        Html.noStore(ctx);
        ctx.json(new Next(ConsoleAccess.safeReturn(ctx.queryParam("next"))));
    }

    private void signOut(Context ctx) {
        sessions.signOut(ConsoleAccess.session(ctx), Requests.client(ctx));
        access.clearCookie(ctx);
        ctx.redirect(ConsoleAccess.SIGN_IN, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void verifyPage(Context ctx) {
        verifyPage(ctx, 200, ConsoleAccess.safeReturn(ctx.queryParam("next")), null);
    }

    private void verifyPage(Context ctx, int status, String next, String error) {
        ConsolePages.render(ctx, status, "verify", ConsolePages.chrome(ctx, "verify", "Confirm it is you", null,
                error, "/wallet/webauthn.js", "/console/assets/passkey.js"), Map.of("next", next, "minutes",
                ConsoleSessions.FRESH_VERIFICATION.toMinutes(), "codes",
                codes.allows(ConsoleAccess.session(ctx).user())));
    }

    private void verifyWithCode(Context ctx) {
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        String next = ConsoleAccess.safeReturn(form.text("next"));
        try {
            codes.verify(ConsoleAccess.session(ctx), form.text("code"), Requests.client(ctx));
            ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            verifyPage(ctx, ProblemMapper.status(e), next, e.detail());
        }
    }

    private void verify(Context ctx) {
        Answer answer = Bodies.read(ctx, maxBody, Answer.class);
        Ceremonies.Verified verified = passkeys.finishAssertion(answer.command(), Requests.client(ctx));
        sessions.verified(ConsoleAccess.session(ctx), verified, Requests.client(ctx));
        ctx.json(new Next(ConsoleAccess.safeReturn(ctx.queryParam("next"))));
    }

    private void sessionsPage(Context ctx) {
        sessionsPage(ctx, null);
    }

    private void sessionsPage(Context ctx, String notice) {
        ConsoleSessions.Signed signed = ConsoleAccess.session(ctx);
        ConsolePages.render(ctx, 200, "sessions", ConsolePages.chrome(ctx, "sessions", "Your sessions", notice,
                null), Map.of("sessions", sessions.openSessions(signed.user().id()), "current",
                signed.session().id(), "now", clock.millis(), "idleMillis",
                sessions.settings().idleTimeout().toMillis()));
    }

    private void revokeSession(Context ctx) {
        ConsoleSessions.Signed signed = ConsoleAccess.session(ctx);
        String id = ctx.pathParam("id");
        sessions.revoke(signed, id, Requests.client(ctx));
        if (id.equals(signed.session().id())) {
            access.clearCookie(ctx);
            ctx.redirect(ConsoleAccess.SIGN_IN, io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        sessionsPage(ctx, "The session was ended.");
    }

    // ----- the bootstrap link -----

    private void bootstrapPage(Context ctx) {
        try {
            bootstrap.check(ctx.pathParam("secret"));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            ConsolePages.render(ctx, ProblemMapper.status(e), "error", ConsolePages.anonymous("error",
                    ProblemMapper.title(e), null), Map.of("detail", e.detail(), "code", e.code()));
            return;
        }
        ConsolePages.render(ctx, 200, "bootstrap", ConsolePages.anonymous("bootstrap",
                "Create the first administrator", null, "/wallet/webauthn.js", "/console/assets/passkey.js"), Map.of("base",
                TokenController.BOOTSTRAP_PATH + ctx.pathParam("secret")));
    }

    private void bootstrapOptions(Context ctx) {
        BootstrapStart request = Bodies.read(ctx, maxBody, BootstrapStart.class);
        ConsoleBootstrap.Started started = bootstrap.start(ctx.pathParam("secret"), request.username(),
                Requests.client(ctx));
        Html.noStore(ctx);
        ctx.json(new BootstrapOptions(started.options().ceremonyId(), started.options().publicKey(),
                started.options().expiresAt(), started.enrollment()));
    }

    private void bootstrapFinish(Context ctx) {
        BootstrapAnswer answer = Bodies.read(ctx, maxBody, BootstrapAnswer.class);
        ConsoleSessions.Started started = bootstrap.finish(ctx.pathParam("secret"), answer.enrollment(),
                new Ceremonies.Answer(answer.ceremonyId(), answer.credential()), Requests.client(ctx));
        access.setCookie(ctx, started);
        Html.noStore(ctx);
        ctx.status(201).json(new Next("/console"));
    }
}
