package io.gatehouse.server.common;

/**
 * Who sent a request, as far as the network tells: the peer address and the user agent, both truncated so that a
 * hostile client cannot bloat the audit log.
 */
public record ClientInfo(String address, String userAgent) {
    private static final int MAX_LENGTH = 256;

    /** The client as the network reports it, each part truncated. */
    public static ClientInfo of(String address, String userAgent) {
        return new ClientInfo(truncate(address), truncate(userAgent));
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
