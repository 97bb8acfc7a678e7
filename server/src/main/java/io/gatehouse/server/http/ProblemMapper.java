package io.gatehouse.server.http;

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
 * and are logged with a correlation id; their message never reaches the client.
 */
public final class ProblemMapper {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Problem documents are UTF-8 and say so; without the parameter Jetty would encode them as ISO-8859-1. */
    public static final String CONTENT_TYPE_UTF8 = CONTENT_TYPE + "; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private ProblemMapper() {
    }

    public static void install(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> write(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e.getStatus(), ctx)));
        app.exception(Exception.class, (e, ctx) -> {
            String incident = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
            LOG.error("unhandled error serving {} (incident {})", ctx.method(), incident, e);
            write(ctx, new ApiException(500, "internal_error", "Internal server error",
                    "the server failed to handle the request; incident " + incident,
                    Map.of("incident", incident)));
        });
        app.error(404, ctx -> {
            if (!isProblem(ctx)) {
                write(ctx, ApiException.notFound("not_found", "no resource at " + ctx.method() + " " + ctx.path()));
            }
        });
        app.error(405, ctx -> {
            if (!isProblem(ctx)) {
                write(ctx, new ApiException(405, "method_not_allowed", "Method not allowed",
                        ctx.method() + " is not allowed on " + ctx.path()));
            }
        });
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(CONTENT_TYPE);
    }

    /** Javalin's own refusals keep their status; their text is Javalin's, so the detail is written here. */
    private static ApiException fromJavalin(int status, Context ctx) {
        return switch (status) {
            case 413 -> new ApiException(413, "body_too_large", "Content too large",
                    "expected a request body within this server's size limit; this one is larger");
            case 404 -> ApiException.notFound("not_found", "no resource at " + ctx.method() + " " + ctx.path());
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path());
            default -> new ApiException(status, "http_" + status, "HTTP " + status,
                    "the request to " + ctx.method() + " " + ctx.path() + " cannot be served (HTTP " + status + ")");
        };
    }

    /** Writes {@code e} as a problem response. */
    public static void write(Context ctx, ApiException e) {
        if (e.extensions().get("retryAfterSeconds") instanceof Number seconds) {
            ctx.header("Retry-After", String.valueOf(seconds.longValue()));
        }
        ctx.status(e.status());
        ctx.contentType(CONTENT_TYPE_UTF8);
        ctx.result(document(e, ctx.path()));
    }

    /** The problem document of {@code e} for the request at {@code instance}, as UTF-8 bytes. */
    public static byte[] document(ApiException e, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:gatehouse:problem:" + e.code());
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.detail());
        body.put("code", e.code());
        body.put("instance", instance);
        e.extensions().forEach(body::putIfAbsent);
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
