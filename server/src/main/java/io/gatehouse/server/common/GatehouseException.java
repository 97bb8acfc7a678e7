package io.gatehouse.server.common;

/**
 * Root of every exception the server throws on purpose. Subclasses carry structured fields; the HTTP layer
 * maps them to problem responses in one place ({@link io.gatehouse.server.http.ProblemMapper}).
 */
public class GatehouseException extends RuntimeException {
    public GatehouseException(String message) {
        super(message);
    }

    public GatehouseException(String message, Throwable cause) {
        super(message, cause);
    }
}
