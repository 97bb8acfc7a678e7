package io.gatehouse.server.geo;

import io.gatehouse.server.common.IpLiteral;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An address as much as analytics may keep of it: the IPv4 /24 or the IPv6 /48 it belongs to. That still tells
 * which network scans came from (a provider, a site) without naming the host, and it is what remains of an address
 * once stored.
 */
public final class NetworkPrefix {
    public static final int IPV4_BITS = 24;
    public static final int IPV6_BITS = 48;

    private NetworkPrefix() {
    }

    /** {@code 203.0.113.0/24} or {@code 2001:db8:1::/48} for an IP literal; empty for anything else. */
    public static Optional<String> of(String address) {
        Optional<byte[]> literal = IpLiteral.parse(address);
        if (literal.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = literal.get();
        int bits = bytes.length == 4 ? IPV4_BITS : IPV6_BITS;
        byte[] network = Arrays.copyOf(Arrays.copyOf(bytes, bits / 8), bytes.length);
        try {
            return Optional.of(InetAddress.getByAddress(network).getHostAddress().replaceAll("(:0)+$", "::")
                     + "/" + bits);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
