package io.gatehouse.server.http;

import io.gatehouse.server.common.Utf8;
import io.javalin.http.Context;

/** The two HTML forms Gatehouse serves post {@code application/x-www-form-urlencoded}; this reads them. */
public final class Forms {
    private Forms() {
    }

    public static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && MediaType.parse(type).filter(m -> m.isForm() && m.isUtf8OrUnspecified()).isPresent();
    }

    /**
     * One field of a form body, read with the size limit; null when absent. The body is decoded as strictly as JSON
     * bodies are: percent-escapes must form UTF-8, and no field may hold a NUL.
     *
     * @throws ApiException 400 {@code invalid_encoding} or {@code nul_character}
     */
    public static String field(Context ctx, int maxBytes, String name) {
        String body = Utf8.decode(JsonBody.readBounded(ctx, maxBytes), "the form body");
        String found = null;
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            String key = Utf8.percentDecode(equals < 0 ? pair : pair.substring(0, equals), true, "a form field name");
            String value = equals < 0 ? "" : Utf8.percentDecode(pair.substring(equals + 1), true,
                    "form field '" + key + "'");
            if (key.equals(name) && found == null) {
                found = value;
            }
        }
        return found;
    }
}
