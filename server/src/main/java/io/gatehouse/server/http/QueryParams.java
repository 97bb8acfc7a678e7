package io.gatehouse.server.http;

import io.javalin.http.Context;

/** Query parameters checked the same way everywhere, with the same error. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * The whole-number parameter {@code name}, or {@code fallback} when absent.
     *
     * @throws ApiException 400 {@code invalid_parameter} when it is not a number from {@code min} to {@code max}
     */
    public static long wholeNumber(Context ctx, String name, long fallback, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the accepted range
        }
        throw ApiException.badRequest("invalid_parameter", "query parameter '" + name + "' must be a whole number"
                + " from " + min + " to " + max + ", got '" + raw + "'");
    }
}
