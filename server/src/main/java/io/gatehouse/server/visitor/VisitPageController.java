package io.gatehouse.server.visitor;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /visit/{handle}}: the visitor's own page of their pass (window, doors, state), reached from the invitation.
 * The handle in the path is the bearer secret: the page is never cached, sends no referrer, and carries no script.
 */
public final class VisitPageController {
    public static final String PATH = "/visit/{handle}";
    private static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final VisitorPasses passes;

    public VisitPageController(VisitorPasses passes) {
        this.passes = passes;
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, this::page);
    }

    private void page(Context ctx) {
        try {
            render(ctx, 200, "visitor/pass.jte", Map.of("pass", passes.page(ctx.pathParam("handle")),
                    "handle", ctx.pathParam("handle")));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            render(ctx, ProblemMapper.status(e), "login/unavailable.jte", Map.of("title", ProblemMapper.title(e),
                    "detail", e.getMessage()));
        }
    }

    private static void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, new HashMap<>(params), output);
        Html.noStore(ctx);
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
    }
}
