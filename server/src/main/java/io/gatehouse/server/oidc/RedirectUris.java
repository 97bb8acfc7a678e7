package io.gatehouse.server.oidc;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for a client's redirect URIs (and post-logout redirect URIs): absolute, exact, compared as text. Only
 * {@code https}, or {@code http} on a loopback host for development; no fragment (RFC 6749 §3.1.2), no user info,
 * no wildcard: a pattern would let a look-alike path or subdomain receive codes (an open redirect).
 */
final class RedirectUris {
    static final int MAX_URIS = 20;
    private static final int MAX_LENGTH = 2000;
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private RedirectUris() {
    }

    /** The URIs {@code field} lists, checked; refuses an empty list when {@code atLeastOne}. */
    static List<URI> parseAll(String field, List<String> texts, boolean atLeastOne) {
        if (atLeastOne && texts.isEmpty()) {
            throw GatehouseException.invalid("invalid_field", "field '" + field + "' must list at least one URI");
        }
        if (texts.size() > MAX_URIS) {
            throw GatehouseException.invalid("invalid_field", "field '" + field + "' may list at most " + MAX_URIS
                    + " URIs, got " + texts.size());
        }
        Set<URI> uris = new LinkedHashSet<>();
        for (String text : texts) {
            uris.add(parse(field, text));
        }
        return new ArrayList<>(uris);
    }

    static URI parse(String field, String text) {
        if (text == null) {
            throw GatehouseException.invalidField(field, "an array of strings", "an array containing null");
        }
        if (text.length() > MAX_LENGTH || text.contains("*")) {
            throw refused(field, text, "no wildcards, at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw refused(field, text, "not a URI");
        }
        // 1. Absolute, with a host: the code must go to a named place.
        if (!uri.isAbsolute() || uri.getRawAuthority() == null || uri.getHost() == null) {
            throw refused(field, text, "an absolute URI with a host");
        }
        // 2. No fragment: the authorization response appends its parameters; a fragment would swallow them.
        if (uri.getRawFragment() != null) {
            throw refused(field, text, "no fragment");
        }
        // 3. No user info: it makes a URI that reads like one host and goes to another.
        if (uri.getRawUserInfo() != null) {
            throw refused(field, text, "no user info");
        }
        // 4. https, or http only to this machine (development).
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw refused(field, text, "https, or http on localhost");
        }
        return uri;
    }

    private static GatehouseException refused(String field, String text, String rule) {
        return GatehouseException.invalid("invalid_redirect_uri", "field '" + field + "' holds '"
                + Utf8.truncate(text, 80) + "', which is not allowed: " + rule);
    }
}
