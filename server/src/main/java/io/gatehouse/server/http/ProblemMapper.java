package io.gatehouse.server.http;

import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.GatehouseException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses: RFC 9457 problem details
 * ({@code application/problem+json}) with a stable {@code code} member. Unexpected failures answer a generic 500
 * and are logged with a correlation id; their message never reaches the client. Two kinds of handler write
 * refusals themselves: pages, which show a refusal of the request's as a page, and the OAuth token endpoint, which
 * must answer RFC 6749's error JSON; both rethrow a fault of the server's (see {@link #rethrowFaults}), so that
 * every fault comes here.
 */
public final class ProblemMapper {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Problem documents are UTF-8 and say so; without the parameter Jetty would encode them as ISO-8859-1. */
    public static final String CONTENT_TYPE_UTF8 = CONTENT_TYPE + "; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private ProblemMapper() {
    }

    /**
     * Answers failures of requests for pages (the console's) as pages rather than problem documents.
     */
    @FunctionalInterface
    public interface PageErrors {
        /** Writes {@code e} as a page and returns true, or returns false to leave it a problem document. */
        boolean write(GatehouseException e, Context ctx);
    }

    public static void install(Javalin app) {
        install(app, (e, ctx) -> false);
    }

    public static void install(Javalin app, PageErrors pages) {
        app.exception(GatehouseException.class, (e, ctx) -> answer(ctx, e.kind() == GatehouseException.Kind.CORRUPT
                ? incident(ctx, e) : e, pages));
        app.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, fromJavalin(e.getStatus(), ctx), pages));
        app.exception(Exception.class, (e, ctx) -> answer(ctx, incident(ctx, e), pages));
        app.error(404, ctx -> {
            if (!isProblem(ctx) && !isPage(ctx)) {
                answer(ctx, GatehouseException.notFound("not_found", "no resource at " + ctx.method() + " "
                        + ctx.path()), pages);
            }
        });
        app.error(405, ctx -> {
            if (!isProblem(ctx)) {
                write(ctx, new ApiException(405, "method_not_allowed", "Method not allowed",
                        ctx.method() + " is not allowed on " + ctx.path()));
            }
        });
    }

    /**
     * For a handler that writes refusals itself (a page showing an expired link or a wrong code, the token endpoint
     * answering OAuth error JSON): rethrows {@code e} when it is the server's fault rather than the request's (status
     * 500 and up: a corrupt stored row, say), so that it reaches the handlers {@link #install} registers, and a
     * corrupt row is logged with an incident id and answered without its detail, which names the server's insides.
     * Returns normally for a refusal the handler may show as it is.
     */
    public static void rethrowFaults(GatehouseException e) {
        if (status(e) >= 500) {
            throw e;
        }
    }

    /**
     * Writes {@code e} as the console's page; else, for a fault answered to a browser (whose request names HTML in
     * {@code Accept}), as a plain page, which for an incident names only its id; else as a problem document.
     */
    private static void answer(Context ctx, GatehouseException e, PageErrors pages) {
        if (pages.write(e, ctx)) {
            return;
        }
        if (status(e) >= 500 && Html.accepted(ctx)) {
            retryAfter(ctx, e);
            Html.render(ctx, status(e), title(e), "<p>" + Html.escape(e.detail()) + "</p><p class=\"mono\">"
                    + Html.escape(e.code()) + "</p>");
            return;
        }
        write(ctx, e);
    }

    /**
     * A failure that is the server's, not the client's (a bug, a corrupt row, a lost database): logged with a fresh
     * incident id, answered with a generic 500 that carries only that id.
     */
    private static ApiException incident(Context ctx, Exception e) {
        String incident = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        LOG.error("unhandled error serving {} (incident {})", ctx.method(), incident, e);
        return new ApiException(500, "internal_error", "Internal server error",
                "the server failed to handle the request; incident " + incident, Map.of("incident", incident));
    }

    /** The HTTP status of a failure: the one place where domain kinds become numbers. */
    public static int status(GatehouseException e) {
        return switch (e.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case UNPROCESSABLE -> 422;
            case TOO_MANY -> 429;
            case UNAVAILABLE -> 503;
            case CORRUPT -> 500;
            case PROTOCOL -> e instanceof ApiException api ? api.status() : 400;
        };
    }

    /** Problem types whose title says more than the reason phrase of their status. */
    private static final Map<String, String> TITLES = Map.of("invalid_field", "Invalid field");

    /** The problem title of a failure: its type's own title, or else the reason phrase of its status. */
    public static String title(GatehouseException e) {
        if (e instanceof ApiException api) {
            return api.title();
        }
        String own = TITLES.get(e.code());
        if (own != null) {
            return own;
        }
        return switch (status(e)) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 422 -> "Unprocessable content";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            default -> "Internal server error";
        };
    }

    /** A handler that answered a page with an error status (an expired link, say) wrote it already. */
    private static boolean isPage(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith("text/html");
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(CONTENT_TYPE);
    }

    /** Javalin's own refusals keep their status; their text is Javalin's, so the detail is written here. */
    private static GatehouseException fromJavalin(int status, Context ctx) {
        return switch (status) {
            case 413 -> new ApiException(413, "body_too_large", "Content too large",
                    "expected a request body within this server's size limit; this one is larger");
            case 404 -> GatehouseException.notFound("not_found", "no resource at " + ctx.method() + " " + ctx.path());
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path());
            default -> new ApiException(status, "http_" + status, "HTTP " + status,
                    "the request to " + ctx.method() + " " + ctx.path() + " cannot be served (HTTP " + status + ")");
        };
    }

    /** Writes {@code e} as a problem response. */
    public static void write(Context ctx, GatehouseException e) {
        retryAfter(ctx, e);
        ctx.status(status(e));
        ctx.contentType(CONTENT_TYPE_UTF8);
        ctx.result(document(e, ctx.path()));
    }

    private static void retryAfter(Context ctx, GatehouseException e) {
        if (e.extensions().get("retryAfterSeconds") instanceof Number seconds) {
            ctx.header("Retry-After", String.valueOf(seconds.longValue()));
        }
    }

    /**
     * The problem document of {@code e} for the request at {@code instance}, as UTF-8 bytes. Without a request (the
     * HTTP parser refused the bytes before there was one) {@code instance} is null and the member is left out:
     * RFC 9457 gives it as a URI reference, which null is not.
     */
    public static byte[] document(GatehouseException e, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:gatehouse:problem:" + e.code());
        body.put("title", title(e));
        body.put("status", status(e));
        body.put("detail", e.detail());
        body.put("code", e.code());
        if (instance != null) {
            body.put("instance", instance);
        }
        e.extensions().forEach(body::putIfAbsent);
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
