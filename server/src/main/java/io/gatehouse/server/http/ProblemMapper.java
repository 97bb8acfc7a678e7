package io.gatehouse.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
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
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private ProblemMapper() {
    }

    public static void install(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> write(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e)));
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

    private static ApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 413 -> new ApiException(413, "body_too_large", "Content too large", e.getMessage());
            case 404 -> ApiException.notFound("not_found", e.getMessage());
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed", e.getMessage());
            default -> new ApiException(status, "http_" + status, "HTTP " + status, e.getMessage());
        };
    }

    /** Writes {@code e} as a problem response. */
    public static void write(Context ctx, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:gatehouse:problem:" + e.code());
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.detail());
        body.put("code", e.code());
        body.put("instance", ctx.path());
        e.extensions().forEach(body::putIfAbsent);
        if (e.extensions().get("retryAfterSeconds") instanceof Number seconds) {
            ctx.header("Retry-After", String.valueOf(seconds.longValue()));
        }
        ctx.status(e.status());
        ctx.contentType(CONTENT_TYPE);
        ctx.result(Json.write(body));
    }
}
