package io.gatehouse.server.oidc;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Where the provider's endpoints are. The issuer is the server's public base URL, exactly as tokens carry it in
 * {@code iss}: relying parties compare it as text with the issuer they were configured with (mix-up defence).
 */
public final class Endpoints {
    public static final String DISCOVERY = "/.well-known/openid-configuration";
    public static final String JWKS = "/oauth2/jwks";
    public static final String AUTHORIZE = "/oauth2/authorize";
    public static final String TOKEN = "/oauth2/token";
    public static final String USERINFO = "/oauth2/userinfo";

    private final Supplier<URI> base;

    public Endpoints(Supplier<URI> base) {
        this.base = base;
    }

    /** The base URL without a trailing slash. */
    public String issuer() {
        String text = base.get().toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    public URI at(String path) {
        return URI.create(issuer() + path);
    }
}
