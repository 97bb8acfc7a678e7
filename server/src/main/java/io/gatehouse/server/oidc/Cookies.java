package io.gatehouse.server.oidc;

/**
 * The provider's two cookies. Both are HttpOnly and SameSite=Lax: Lax, not Strict, because a person arrives at the
 * authorization endpoint by a top-level navigation from the application's site, and the session must be seen there;
 * Lax still keeps both cookies off cross-site posts, which is what the sign-in forms rely on. Under an https public
 * URL they are Secure and carry the {@code __Host-} prefix (host-only, path /).
 */
enum Cookies {
    /** The provider session ({@link ProviderSessions}); a browser-session cookie, gone when the browser closes. */
    SESSION("gh_sso"),
    /** Binds a sign-in page's interaction to the browser it was shown in ({@link Interactions}). */
    SIGN_IN("gh_signin");

    private final String baseName;

    Cookies(String baseName) {
        this.baseName = baseName;
    }

    String name(Endpoints endpoints) {
        return secure(endpoints) ? "__Host-" + baseName : baseName;
    }

    /** A {@code Set-Cookie} value; {@code maxAgeSeconds} below 0 makes it last as long as the browser session. */
    String header(Endpoints endpoints, String value, long maxAgeSeconds) {
        return name(endpoints) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax"
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "") + (secure(endpoints) ? "; Secure" : "");
    }

    private static boolean secure(Endpoints endpoints) {
        return endpoints.issuer().startsWith("https:");
    }
}
