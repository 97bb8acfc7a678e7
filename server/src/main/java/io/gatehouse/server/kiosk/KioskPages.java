package io.gatehouse.server.kiosk;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.passkey.Ceremonies;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The lobby kiosk's pages (pairing, waiting for a visitor, the welcome) and the visitor's phone pages (binding the
 * pass, door codes of a bound pass). Server-rendered, no inline script or style; the kiosk's requests carry its
 * credential cookie, and every change must come from this server's own pages (Origin).
 */
public final class KioskPages {
    public static final String KIOSK_PATH = "/kiosk";
    /** Where the kiosk's script posts camera frames; bodies there may be larger than elsewhere. */
    public static final String FRAMES_PATH = "/kiosk/frames";
    /** The camera may be used by the kiosk page only; nothing else on this origin asks for it. */
    private static final String KIOSK_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src"
            + " 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final String PASS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src"
            + " 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css)");
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final DateTimeFormatter WINDOW = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm",
            Locale.ENGLISH);
    private static final int IDLE_SECONDS = 60;

    private final Kiosks kiosks;
    private final CheckIns checkIns;
    private final PassBinding binding;
    private final PassDoors doors;
    private final Links links;
    private final ZoneId siteZone;
    private final java.time.Clock clock;
    private final int maxBody;

    public KioskPages(Kiosks kiosks, CheckIns checkIns, PassBinding binding, PassDoors doors, Links links,
            ZoneId siteZone, java.time.Clock clock, int maxBody) {
        this.kiosks = kiosks;
        this.checkIns = checkIns;
        this.binding = binding;
        this.doors = doors;
        this.links = links;
        this.siteZone = siteZone;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    /** What the welcome shows; no name: a lobby screen is seen by others. */
    public record WelcomeView(String window, String doors, boolean firstTime, String bindQr, int idleSeconds) {
    }

    /** A ceremony's answer, as the phone's script posts it. */
    record Answer(String ceremonyId, JsonNode credential) {
        Answer {
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

    public void register(Routes routes) {
        routes.page(HandlerType.GET, Kiosks.PAIR_PATH + "{token}", this::pair)
                .page(HandlerType.GET, KIOSK_PATH, this::idle)
                .page(HandlerType.POST, FRAMES_PATH, this::frame)
                .page(HandlerType.POST, KIOSK_PATH + "/check-in", this::typedCode)
                .page(HandlerType.GET, KIOSK_PATH + "/assets/{name}", KioskPages::asset)
                .page(HandlerType.GET, PassBinding.BIND_PATH + "{token}", this::bindPage)
                .page(HandlerType.POST, PassBinding.BIND_PATH + "{token}/options", ctx -> {
                    requireSameOrigin(ctx);
                    Bodies.readOptional(ctx, maxBody, OptionsRequest.class);
                    Html.noStore(ctx);
                    ctx.json(binding.bindOptions(ctx.pathParam("token")));
                })
                .page(HandlerType.POST, PassBinding.BIND_PATH + "{token}", ctx -> {
                    requireSameOrigin(ctx);
                    Answer answer = Bodies.read(ctx, maxBody, Answer.class);
                    Html.noStore(ctx);
                    ctx.json(binding.bind(ctx.pathParam("token"), new Ceremonies.Answer(answer.ceremonyId(),
                            answer.credential()), Requests.client(ctx)));
                })
                .page(HandlerType.POST, "/pass/{handle}/bind", this::bindFromInvitation)
                .page(HandlerType.GET, "/pass/{handle}/door-code", ctx -> renderPass(ctx, 200, "pass/door-code.jte",
                        Map.of("handle", ctx.pathParam("handle"))))
                .page(HandlerType.POST, "/pass/{handle}/door-code/options", ctx -> {
                    requireSameOrigin(ctx);
                    Bodies.readOptional(ctx, maxBody, OptionsRequest.class);
                    Html.noStore(ctx);
                    ctx.json(binding.codeOptions(ctx.pathParam("handle")));
                })
                .page(HandlerType.POST, "/pass/{handle}/door-code", ctx -> {
                    requireSameOrigin(ctx);
                    Answer answer = Bodies.read(ctx, maxBody, Answer.class);
                    Html.noStore(ctx);
                    ctx.json(binding.mintCode(ctx.pathParam("handle"), new Ceremonies.Answer(answer.ceremonyId(),
                            answer.credential()), Requests.client(ctx)));
                });
    }

    /** The tablet opens its pairing link once: it gets its credential as a cookie and goes to the kiosk page. */
    private void pair(Context ctx) {
        try {
            Kiosks.Paired paired = kiosks.pair(ctx.pathParam("token"), Requests.client(ctx));
            ctx.res().addHeader("Set-Cookie", cookieName() + "=" + paired.credential() + "; Path=/; HttpOnly;"
                    + " SameSite=Strict" + (secure() ? "; Secure" : "") + "; Max-Age=" + 400L * 86_400);
            Html.noStore(ctx);
            ctx.redirect(KIOSK_PATH, HttpStatus.SEE_OTHER);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            renderKiosk(ctx, ProblemMapper.status(e), "kiosk/message.jte", Map.of("title", ProblemMapper.title(e),
                    "detail", e.detail(), "state", "refused"));
        }
    }

    private void idle(Context ctx) {
        withKiosk(ctx, kiosk -> {
            renderIdle(ctx, 200, kiosk, null, null);
            return null;
        });
    }

    /** A camera frame: 204 while it shows no pass, the welcome card (HTML) once a pass checked in. */
    private void frame(Context ctx) {
        Kiosk kiosk = kiosks.authenticate(cookie(ctx));
        requireSameOrigin(ctx);
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("image/jpeg") && !type.startsWith("image/png")) {
            throw GatehouseException.invalid("invalid_frame", "a camera frame must be image/jpeg or image/png");
        }
        Optional<CheckIns.Welcome> welcome = checkIns.checkInByFrame(kiosk, JsonBody.readBounded(ctx,
                CheckIns.MAX_FRAME_BYTES), Requests.client(ctx));
        Html.noStore(ctx);
        if (welcome.isEmpty()) {
            ctx.status(204);
            return;
        }
        StringOutput output = new StringOutput();
        ENGINE.render("kiosk/welcome-card.jte", Map.of("welcome", view(welcome.get())), output);
        ctx.contentType("text/html; charset=utf-8").result(output.toString());
    }

    private void typedCode(Context ctx) {
        withKiosk(ctx, kiosk -> {
            requireSameOrigin(ctx);
            String code = Forms.all(ctx, maxBody).getOrDefault("code", List.of("")).getFirst();
            try {
                CheckIns.Welcome welcome = checkIns.checkInByCode(kiosk, code, Requests.client(ctx));
                renderKiosk(ctx, 200, "kiosk/welcome.jte", Map.of("welcome", view(welcome)));
            } catch (GatehouseException e) {
                ProblemMapper.rethrowFaults(e);
                if (ProblemMapper.status(e) == 401) {
                    throw e;
                }
                renderIdle(ctx, ProblemMapper.status(e), kiosks.get(kiosk.id()), null, e.detail());
            }
            return null;
        });
    }

    private void bindPage(Context ctx) {
        try {
            PassBinding.BindPage page = binding.bindPage(ctx.pathParam("token"));
            renderPass(ctx, 200, "pass/bind.jte", Map.of("token", ctx.pathParam("token"), "window",
                    window(page.from(), page.until()), "bound", page.bound()));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            renderPass(ctx, ProblemMapper.status(e), "kiosk/message.jte", Map.of("title", ProblemMapper.title(e),
                    "detail", e.detail(), "state", "refused"));
        }
    }

    /**
     * The invitation's pass page offers binding too: the holder of the pass's handle gets a fresh bind link. No
     * Origin check: the pass page sends no referrer (so its forms say {@code Origin: null}), and the handle in the
     * path is the credential here; another site that knew it would not need this form.
     */
    private void bindFromInvitation(Context ctx) {
        String path = binding.bindLinkForHandle(ctx.pathParam("handle"));
        Html.noStore(ctx);
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    private WelcomeView view(CheckIns.Welcome welcome) {
        String bindUrl = links.to(welcome.bindPath());
        String qr = "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCode.encode(bindUrl,
                ErrorCorrection.M).toPng(8));
        return new WelcomeView(window(welcome.from(), welcome.until()), doors.describe(welcome.visitorId()),
                welcome.firstTime(), qr, IDLE_SECONDS);
    }

    private String window(java.time.Instant from, java.time.Instant until) {
        return WINDOW.format(from.atZone(siteZone)) + " to " + WINDOW.format(until.atZone(siteZone)) + " ("
                + siteZone.getId() + ")";
    }

    /** Runs {@code page} for a paired kiosk; any other browser is told to have the kiosk paired. */
    private void withKiosk(Context ctx, Function<Kiosk, Void> page) {
        Kiosk kiosk;
        try {
            kiosk = kiosks.authenticate(cookie(ctx));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            renderKiosk(ctx, ProblemMapper.status(e), "kiosk/message.jte", Map.of("title", "Kiosk not paired",
                    "detail", e.detail() + ". An administrator pairs kiosks in the console (Doors, Kiosks).",
                    "state", "unpaired"));
            return;
        }
        page.apply(kiosk);
    }

    private void renderIdle(Context ctx, int status, Kiosk kiosk, String notice, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("kioskName", kiosk.name());
        params.put("notice", notice);
        params.put("error", error);
        params.put("codesLocked", kiosk.codesLocked(clock.instant()));
        renderKiosk(ctx, status, "kiosk/idle.jte", params);
    }

    private static void renderKiosk(Context ctx, int status, String template, Map<String, Object> params) {
        render(ctx, status, template, params, KIOSK_POLICY, "camera=(self), microphone=(), geolocation=()");
    }

    private static void renderPass(Context ctx, int status, String template, Map<String, Object> params) {
        render(ctx, status, template, params, PASS_POLICY, "camera=(), microphone=(), geolocation=()");
    }

    private static void render(Context ctx, int status, String template, Map<String, Object> params, String policy,
            String permissions) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, new HashMap<>(params), output);
        Html.noStore(ctx);
        ctx.header("Content-Security-Policy", policy);
        ctx.header("Permissions-Policy", permissions);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
        ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
    }

    private void requireSameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        URI base = links.base();
        if (origin == null || !origin.equals(base.getScheme() + "://" + base.getAuthority())) {
            throw GatehouseException.forbidden("cross_origin", "this request must come from this server's own page");
        }
    }

    private Optional<String> cookie(Context ctx) {
        return Optional.ofNullable(ctx.cookie(cookieName()));
    }

    /** The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and for path /. */
    private String cookieName() {
        return secure() ? "__Host-gh_kiosk" : "gh_kiosk";
    }

    private boolean secure() {
        return "https".equals(links.base().getScheme());
    }

    private static void asset(Context ctx) {
        String name = ctx.pathParam("name");
        InputStream found = ASSET.matcher(name).matches()
                ? KioskPages.class.getResourceAsStream("/kiosk/assets/" + name) : null;
        if (found == null) {
            throw GatehouseException.notFound("not_found", "no kiosk asset '" + name + "'");
        }
        try (InputStream in = found) {
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
            ctx.result(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kiosk asset " + name, e);
        }
    }
}
