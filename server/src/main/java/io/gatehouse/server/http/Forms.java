package io.gatehouse.server.http;

import io.gatehouse.server.common.Utf8;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HTML forms post {@code application/x-www-form-urlencoded}; this reads them. */
public final class Forms {
    private static final String PARSED = "gatehouse.form";

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
        List<String> values = all(ctx, maxBytes).get(name);
        return values == null ? null : values.get(0);
    }

    /**
     * Every field of a form body, in order, each name with all its values (a group of checkboxes sends one name
     * several times). Decoded as strictly as {@link #field}. The body is read once and kept with the request, so that
     * a filter (the console's CSRF check) and the handler both see it.
     *
     * @throws ApiException 400 {@code invalid_encoding} or {@code nul_character}
     */
    public static Map<String, List<String>> all(Context ctx, int maxBytes) {
        Map<String, List<String>> read = ctx.attribute(PARSED);
        if (read != null) {
            return read;
        }
        Map<String, List<String>> fields = parse(ctx, maxBytes);
        ctx.attribute(PARSED, fields);
        return fields;
    }

    private static Map<String, List<String>> parse(Context ctx, int maxBytes) {
        String body = Utf8.decode(JsonBody.readBounded(ctx, maxBytes), "the form body");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            String key = Utf8.percentDecode(equals < 0 ? pair : pair.substring(0, equals), true, "a form field name");
            String value = equals < 0 ? "" : Utf8.percentDecode(pair.substring(equals + 1), true,
                    "form field '" + key + "'");
            fields.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }
}
