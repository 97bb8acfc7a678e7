package io.gatehouse.server.http;

import io.gatehouse.server.common.Utf8;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** What every request and every answer passes through, whatever the route. */
public final class EdgeFilters {
    private EdgeFilters() {
    }

    public static void install(Javalin app) {
        app.before(EdgeFilters::checkTarget);
        app.after(EdgeFilters::declareJsonCharset);
    }

    /**
     * The path and query string, as sent, must percent-decode to strict UTF-8 without NUL: the same rule as for
     * JSON and form bodies, checked once here for every route and every parameter.
     */
    private static void checkTarget(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        Utf8.percentDecode(ctx.req().getRequestURI(), false, "the path");
        String query = ctx.req().getQueryString();
        if (query != null) {
            Utf8.percentDecode(query, true, "the query string");
        }
    }

    /** Every JSON answer is UTF-8 (Jackson writes nothing else) and says so. */
    private static void declareJsonCharset(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && MediaType.parse(type).filter(m -> m.isJson() && !m.parameters().containsKey("charset"))
                .isPresent()) {
            ctx.contentType(type + "; charset=utf-8");
        }
    }
}
