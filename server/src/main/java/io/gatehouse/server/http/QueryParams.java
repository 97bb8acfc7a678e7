package io.gatehouse.server.http;

import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.common.GatehouseException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Query parameters checked the same way everywhere, with the same error. */
public final class QueryParams {
    /** ASCII digits only: {@code Long.parseLong} would also take other scripts' digits, such as full-width ones. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,19}");

    private QueryParams() {
    }

    /**
     * The instant parameter {@code name} (RFC 3339 with an offset, such as {@code 2026-01-31T12:00:00Z} or
     * {@code 2026-01-31T13:00:00+01:00}), or empty when absent.
     *
     * @throws io.gatehouse.server.common.GatehouseException 400 {@code invalid_parameter} when it is not one
     */
    public static java.util.Optional<java.time.Instant> instant(Context ctx, String name) {
        return io.gatehouse.server.common.Instants.parameter(name, ctx.queryParam(name));
    }

    /**
     * The whole-number parameter {@code name}, or {@code fallback} when absent.
     *
     * @throws ApiException 400 {@code invalid_parameter} when it is not a number from {@code min} to {@code max}
     *     written in ASCII digits
     */
    public static long wholeNumber(Context ctx, String name, long fallback, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        if (WHOLE_NUMBER.matcher(raw).matches()) {
            try {
                long value = Long.parseLong(raw);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // nineteen digits beyond Long.MAX_VALUE: out of range, reported below
            }
        }
        throw GatehouseException.invalid("invalid_parameter", "query parameter '" + name + "' must be a whole number"
                + " from " + min + " to " + max + " in ASCII digits, got '" + Utf8.truncate(raw, 40) + "'");
    }
}
