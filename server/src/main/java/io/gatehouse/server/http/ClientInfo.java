package io.gatehouse.server.http;

import io.javalin.http.Context;

/**
 * Who sent a request, as far as the network tells: the peer address and the user agent, both truncated so that a
 * hostile client cannot bloat the audit log.
 */
public record ClientInfo(String address, String userAgent) {
    private static final int MAX_LENGTH = 256;

    public static ClientInfo of(Context ctx) {
        return new ClientInfo(truncate(ctx.req().getRemoteAddr()), truncate(ctx.userAgent()));
    }

    /** For actions that do not come over HTTP (the command line). */
    public static ClientInfo local(String what) {
        return new ClientInfo("local", what);
    }

    private static String truncate(String value) {
        if (value == null) {
            return null;
        }
        return Utf8.truncate(value, MAX_LENGTH);
    }
}
