package io.gatehouse.server.http;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The two HTML forms Gatehouse serves post {@code application/x-www-form-urlencoded}; this reads them. */
public final class Forms {
    private Forms() {
    }

    public static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** One field of a form body, read with the size limit; null when absent. */
    public static String field(Context ctx, int maxBytes, String name) {
        byte[] body = JsonBody.readBounded(ctx, maxBytes);
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                try {
                    return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("invalid_form", "field '" + name + "' is not URL-encoded");
                }
            }
        }
        return null;
    }
}
