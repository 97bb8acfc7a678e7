package io.gatehouse.server.totp;

import io.gatehouse.server.common.ClientInfo;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Where a second-factor check comes from, for throttling: the caller's credential ({@code actor}, such as
 * {@code token:<id>}) and its network as the server sees it ({@link ClientInfo#address()}: the HTTP edge's view of
 * the client, never a header it does not trust). An IPv6 address counts as its /64, because one host is normally
 * given a whole /64 and could otherwise present a fresh source on every request.
 */
record Source(String key) {
    private static final int IPV6_NETWORK_BYTES = 8;

    static Source of(String actor, ClientInfo client) {
        return new Source(actor + " " + network(client.address()));
    }

    private static String network(String address) {
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
}
