package io.gatehouse.server.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP address literals, parsed without ever looking a name up (text from a header must not cause DNS queries). */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address's 4 or 16 bytes; empty for anything that is not a dotted-quad IPv4 or an IPv6 literal. */
    public static Optional<byte[]> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45
                || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        if (text.indexOf(':') < 0 && !text.matches("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
                + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}")) {
            return Optional.empty();
        }
        try {
            // Only a literal reaches here: ':' (IPv6) or a dotted quad, which InetAddress parses without a lookup.
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An address with its prefix length ({@code 10.0.0.0/8}); a bare address is its own /32 or /128. */
    public static Optional<Network> network(String text) {
        int slash = text.indexOf('/');
        Optional<byte[]> address = parse(slash < 0 ? text : text.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().length * 8;
        if (slash < 0) {
            return Optional.of(new Network(address.get(), bits));
        }
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > bits) {
            return Optional.empty();
        }
        return Optional.of(new Network(address.get(), Integer.parseInt(prefix)));
    }

    /** A network: the addresses that share the first {@code prefix} bits of {@code address}. */
    public record Network(byte[] address, int prefix) {
        public boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((candidate[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
