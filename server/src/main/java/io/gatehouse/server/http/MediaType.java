package io.gatehouse.server.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Type} value parsed as RFC 9110 says (type, subtype, parameters), so that a request is judged by
 * its media type and not by a prefix: {@code application/jsonx} is not JSON. Type, subtype and parameter names are
 * case-insensitive; parameter values are kept as sent, quotes removed.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern HEAD = Pattern.compile("[ \\t]*(" + TOKEN + ")/(" + TOKEN + ")[ \\t]*");
    private static final Pattern PARAMETER = Pattern.compile(
            ";[ \\t]*(" + TOKEN + ")=(" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\")[ \\t]*");

    public MediaType {
        parameters = Map.copyOf(parameters);
    }

    /** The parsed value, or empty when {@code value} is not a well-formed media type. */
    public static Optional<MediaType> parse(String value) {
        Matcher head = HEAD.matcher(value);
        if (!head.lookingAt()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int at = head.end();
        Matcher parameter = PARAMETER.matcher(value);
        while (at < value.length()) {
            if (!parameter.region(at, value.length()).lookingAt()) {
                return Optional.empty();
            }
            String name = parameter.group(1).toLowerCase(Locale.ROOT);
            String raw = parameter.group(2);
            String unquoted = raw.startsWith("\"") ? raw.substring(1, raw.length() - 1).replaceAll("\\\\(.)", "$1")
                    : raw;
            if (parameters.putIfAbsent(name, unquoted) != null) {
                return Optional.empty();
            }
            at = parameter.end();
        }
        return Optional.of(new MediaType(head.group(1).toLowerCase(Locale.ROOT),
                head.group(2).toLowerCase(Locale.ROOT), parameters));
    }

    /** {@code application/json} or a structured {@code application/*+json} type. */
    public boolean isJson() {
        return type.equals("application") && (subtype.equals("json") || subtype.endsWith("+json"));
    }

    public boolean isForm() {
        return type.equals("application") && subtype.equals("x-www-form-urlencoded");
    }

    /** True when no charset is given or the one given is UTF-8, the only one Gatehouse reads. */
    public boolean isUtf8OrUnspecified() {
        String charset = parameters.get("charset");
        return charset == null || charset.equalsIgnoreCase("utf-8");
    }
}
