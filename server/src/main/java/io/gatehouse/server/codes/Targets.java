package io.gatehouse.server.codes;

import io.gatehouse.server.common.GatehouseException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The destinations an administrator may give a code. Only absolute http and https URLs with a host and without user
 * information: a {@code javascript:} or {@code data:} URL would run in the scanning browser, a relative one would
 * resolve against Gatehouse itself, and {@code https://bank.example@evil.example/} reads as one host and goes to
 * another.
 */
final class Targets {
    static final int MAX_LENGTH = 2048;
    private static final String EXPECTED = "an absolute http or https URL with a host, without user information, of"
            + " at most " + MAX_LENGTH + " characters";

    private Targets() {
    }

    /**
     * {@code text} as a target.
     *
     * @throws GatehouseException {@code invalid_field} on {@code target}, saying what is wrong with it
     */
    static String check(String text) {
        if (text.length() > MAX_LENGTH) {
            throw refused(text.length() + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw refused("text that is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        // 1. Absolute: a relative URL would lead somewhere on Gatehouse's own site.
        if (!uri.isAbsolute()) {
            throw refused("a relative URL");
        }
        // 2. Only web schemes: anything else (javascript:, data:, file:, intent:) is not a place to send a browser.
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw refused("a " + scheme + ": URL");
        }
        // 3. A server-based authority with a host name or address.
        if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw refused("a URL without a host");
        }
        // 4. No user information: it makes the link look like it leads to a different host.
        if (uri.getRawUserInfo() != null) {
            throw refused("a URL with user information");
        }
        return text;
    }

    private static GatehouseException refused(String actual) {
        return GatehouseException.invalidField("target", EXPECTED, actual);
    }
}
