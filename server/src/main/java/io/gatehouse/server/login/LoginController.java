package io.gatehouse.server.login;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.passkey.Ceremonies;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes of "sign in with your phone": the asking browser's request and poll, the phone's approval page with
 * its passkey ceremony, and a page that shows a request's number and waits (until the OpenID Connect sign-in page
 * shows it). Like the passkey ceremonies these need no API token: the browser's secret and the passkey's signature
 * are the credentials.
 */
public final class LoginController {
    public static final String SECRET_HEADER = "Gatehouse-Login-Secret";
    /** How long a waiting browser should wait between polls of a pending request. */
    public static final int POLL_AFTER_SECONDS = 1;
    private static final int MAX_APPLICATION = 100;
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css)");
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final LoginRequests requests;
    private final int maxBody;

    public LoginController(LoginRequests requests, int maxBody) {
        this.requests = requests;
        this.maxBody = maxBody;
    }

    /** A browser asks to sign someone in to {@code application} (its name, shown on the phone). */
    record CreateRequest(String application) {
        CreateRequest {
            Fields.required("application", application, "a string");
            if (application.isBlank() || application.length() > MAX_APPLICATION) {
                throw GatehouseException.invalidField("application", "a name of 1 to " + MAX_APPLICATION
                        + " characters", application.length() + " characters");
            }
        }
    }

    record Created(String id, String secret, String loginRequest, int number, String expiresAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StatusView(String state, String expiresAt, String reason, String completionToken) {
    }

    /** The phone's answer: the number its person picked and the passkey assertion. */
    record ApproveRequest(Integer number, String ceremonyId, JsonNode credential) {
        ApproveRequest {
            Fields.required("number", number, "a number");
            Fields.required("ceremonyId", ceremonyId, "a string");
            Fields.required("credential", credential, "an object");
            if (!credential.isObject()) {
                throw GatehouseException.invalidField("credential", "an object",
                        credential.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
        }
    }

    record OptionsRequest() {
    }

    record Declined(String state) {
    }

    public void register(Routes routes) {
        routes.post("/login/requests", this::create)
                .get("/login/requests/{id}/status", this::status)
                .post(LoginRequests.PHONE_PATH + "{handle}/options", ctx -> {
                    Bodies.readOptional(ctx, maxBody, OptionsRequest.class);
                    Html.noStore(ctx);
                    ctx.json(requests.approvalOptions(ctx.pathParam("handle")));
                })
                .post(LoginRequests.PHONE_PATH + "{handle}/approve", this::approve)
                .post(LoginRequests.PHONE_PATH + "{handle}/decline", ctx -> {
                    Bodies.readOptional(ctx, maxBody, OptionsRequest.class);
                    requests.decline(ctx.pathParam("handle"), Requests.client(ctx));
                    ctx.json(new Declined("denied"));
                })
                .page(HandlerType.GET, LoginRequests.PHONE_PATH + "{handle}", this::phonePage)
                .page(HandlerType.GET, "/login/phone", this::waitingPage)
                .page(HandlerType.GET, "/login/assets/{name}", LoginController::asset);
    }

    private void create(Context ctx) {
        CreateRequest body = Bodies.read(ctx, maxBody, CreateRequest.class);
        LoginRequests.Created created = requests.create(body.application(), Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(new Created(created.id(), created.secret(), created.loginRequest(), created.number(),
                created.expiresAt().toString()));
    }

    /**
     * The browser's poll. While the request is pending the answer says when to ask again: a request lives a minute,
     * so a browser asks about sixty times, each a read of one row by its key. (An event stream would save little: an
     * approval may land on another node, so the stream would read the row just as often, and it would hold a
     * connection per waiting browser; and EventSource cannot send the secret in a header.)
     */
    private void status(Context ctx) {
        LoginRequests.Status status = requests.status(ctx.pathParam("id"), ctx.header(SECRET_HEADER),
                Requests.client(ctx));
        Html.noStore(ctx);
        if (LoginRequests.PENDING.equals(status.state())) {
            ctx.header("Retry-After", String.valueOf(POLL_AFTER_SECONDS));
        }
        ctx.json(new StatusView(status.state(), status.expiresAt().toString(), status.reason(),
                status.completionToken().orElse(null)));
    }

    private void approve(Context ctx) {
        ApproveRequest body = Bodies.read(ctx, maxBody, ApproveRequest.class);
        Html.noStore(ctx);
        ctx.json(requests.approve(ctx.pathParam("handle"), body.number(), new Ceremonies.Answer(body.ceremonyId(),
                body.credential()), Requests.client(ctx)));
    }

    /** The page the QR code opens; a request that is unknown, expired or answered says so instead. */
    private void phonePage(Context ctx) {
        String handle = ctx.pathParam("handle");
        try {
            render(ctx, 200, "login/approve.jte", Map.of("shown", requests.show(handle), "handle", handle));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            render(ctx, ProblemMapper.status(e), "login/unavailable.jte", Map.of("title", ProblemMapper.title(e),
                    "detail", e.detail()));
        }
    }

    /** Creates nothing itself: its script asks for a request, shows the number and waits for the phone. */
    private void waitingPage(Context ctx) {
        String application = ctx.queryParam("application");
        render(ctx, 200, "login/waiting.jte", Map.of("application", application == null || application.isBlank()
                ? "Gatehouse" : application));
    }

    private static void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, new HashMap<>(params), output);
        Html.noStore(ctx);
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
    }

    private static void asset(Context ctx) {
        String name = ctx.pathParam("name");
        InputStream found = ASSET.matcher(name).matches()
                ? LoginController.class.getResourceAsStream("/login/assets/" + name) : null;
        if (found == null) {
            throw GatehouseException.notFound("not_found", "no login asset '" + name + "'");
        }
        try (InputStream in = found) {
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
            ctx.result(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read login asset " + name, e);
        }
    }
}
