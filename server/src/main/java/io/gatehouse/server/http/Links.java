package io.gatehouse.server.http;

import java.net.URI;

/**
 * Builds the absolute links Gatehouse hands out (enrollment, bootstrap): under the configured public base URL, or
 * else under the address the server really listens on, known only once the port is bound.
 */
public final class Links {
    private static final java.util.Set<String> LOCAL = java.util.Set.of("0.0.0.0", "::", "127.0.0.1", "::1",
            "[::1]", "localhost");
    private volatile URI base;

    public Links(URI configuredBase) {
        this.base = configuredBase;
    }

    /**
     * Called once the server listens, when no public base URL is configured. A loopback or wildcard address becomes
     * {@code localhost}: browsers treat {@code http://localhost} as a secure context and accept it as a WebAuthn
     * relying party, where an IP address is neither, so passkeys work on a first start without TLS.
     */
    public void listeningOn(String bind, int port) {
        if (base == null) {
            String host = LOCAL.contains(bind) ? "localhost" : bind;
            if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            base = URI.create("http://" + host + ":" + port);
        }
    }

    public URI base() {
        if (base == null) {
            throw new IllegalStateException("the server does not listen yet");
        }
        return base;
    }

    /** {@code path} (starting with '/') under the base. */
    public String to(String path) {
        String text = base().toString();
        return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path;
    }
}
