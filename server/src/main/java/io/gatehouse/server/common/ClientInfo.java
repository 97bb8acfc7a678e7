package io.gatehouse.server.common;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Who sent a request, as far as the network tells: the peer address and the user agent, both truncated so that a
 * hostile client cannot bloat the audit log.
 */
public record ClientInfo(String address, String userAgent) {
    private static final int MAX_LENGTH = 256;
    private static final int IPV6_NETWORK_BYTES = 8;

    /** The client as the network reports it, each part truncated. */
    public static ClientInfo of(String address, String userAgent) {
        return new ClientInfo(truncate(address), truncate(userAgent));
    }

    /** For actions that do not come over HTTP (the command line). */
    public static ClientInfo local(String what) {
        return new ClientInfo("local", what);
    }

    /**
     * The network the client counts as for throttling: its address, an IPv6 address as its /64 (one host is
     * normally given a whole /64 and could otherwise present a fresh source on every request).
     */
    public String network() {
        if (address == null || address.isEmpty()) {
            return "unknown";
        }
        if (address.indexOf(':') < 0 || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'
                || c == '.')) {
            return address;
        }
        try {
            // Only hex digits, ':' and '.': an IPv6 literal, parsed without any name lookup.
            InetAddress parsed = InetAddress.getByName(address);
            if (!(parsed instanceof Inet6Address)) {
                return parsed.getHostAddress();
            }
            byte[] network = Arrays.copyOf(Arrays.copyOf(parsed.getAddress(), IPV6_NETWORK_BYTES), 16);
            return InetAddress.getByAddress(network).getHostAddress() + "/64";
        } catch (UnknownHostException notAnAddress) {
            return address;
        }
    }

    private static String truncate(String value) {
        if (value == null) {
            return null;
        }
        return Utf8.truncate(value, MAX_LENGTH);
    }
}
