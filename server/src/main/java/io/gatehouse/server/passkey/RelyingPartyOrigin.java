package io.gatehouse.server.passkey;

import io.gatehouse.server.common.GatehouseException;
import java.net.URI;
import java.util.Locale;

/**
 * The relying party as browsers see it: its id is the host of the public base URL and its one origin is that URL's
 * scheme, host and port. Browsers offer WebAuthn only in a secure context, so an origin that is neither https nor a
 * loopback http address is refused before any ceremony could start and then fail in the browser.
 */
public record RelyingPartyOrigin(String id, String origin) {

    public static RelyingPartyOrigin of(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        String host = base.getHost() == null ? "" : base.getHost().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https") || (scheme.equals("http") && isLoopback(host));
        if (!secure || host.isEmpty()) {
            throw GatehouseException.unavailable("insecure_origin", "passkeys need a secure origin (https, or http on"
                    + " localhost) and this server's public base URL is " + base + "; set public-base-url to its"
                    + " https address", 0);
        }
        int port = base.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
                || (scheme.equals("http") && port == 80);
        return new RelyingPartyOrigin(host, scheme + "://" + host + (defaultPort ? "" : ":" + port));
    }

    /** Browsers treat {@code localhost} and its subdomains as a secure context; WebAuthn refuses IP addresses. */
    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.endsWith(".localhost");
    }
}
