package io.gatehouse.server.http;

import java.net.URI;

/**
 * Builds the absolute links Gatehouse hands out (enrollment, bootstrap): under the configured public base URL, or
 * else under the address the server really listens on, known only once the port is bound.
 */
public final class Links {
    private volatile URI base;

    public Links(URI configuredBase) {
        this.base = configuredBase;
    }

    /** Called once the server listens, when no public base URL is configured. */
    public void listeningOn(String bind, int port) {
        if (base == null) {
            String host = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
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
