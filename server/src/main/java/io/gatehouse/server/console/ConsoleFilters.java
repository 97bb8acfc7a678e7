package io.gatehouse.server.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The filter fields of a console page as typed: blank fields are absent, and the browser's date-time fields (no
 * offset) are read as UTC, which the pages say next to them.
 *
 * @param values each given field's value by its name, in the order of {@code names}
 */
public record ConsoleFilters(Map<String, String> values) {
    private static final Pattern LOCAL_MINUTES = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
    private static final Pattern LOCAL_SECONDS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?");

    public static ConsoleFilters of(Function<String, String> parameters, List<String> names, List<String> instants) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            String value = parameters.apply(name);
            if (value != null && !value.isBlank()) {
                values.put(name, instants.contains(name) ? utc(value.strip()) : value.strip());
            }
        }
        return new ConsoleFilters(values);
    }

    /** A date-time field's value as an instant in UTC; a value with an offset stays as it is. */
    private static String utc(String value) {
        if (LOCAL_MINUTES.matcher(value).matches()) {
            return value + ":00Z";
        }
        return LOCAL_SECONDS.matcher(value).matches() ? value + "Z" : value;
    }

    public String get(String name) {
        return values.get(name);
    }

    /** The value to show in a date-time field: the instant without its zone, as the field expects. */
    public String field(String name) {
        String value = values.getOrDefault(name, "");
        return value.endsWith(":00Z") && value.length() == 20 ? value.substring(0, 16) : value.replace("Z", "");
    }

    /** The fields as a query string, with {@code extra} appended (each pair already a name and a value). */
    public String query(String... extra) {
        StringJoiner joined = new StringJoiner("&");
        values.forEach((name, value) -> joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            joined.add(extra[i] + "=" + URLEncoder.encode(extra[i + 1], StandardCharsets.UTF_8));
        }
        return joined.toString();
    }
}
