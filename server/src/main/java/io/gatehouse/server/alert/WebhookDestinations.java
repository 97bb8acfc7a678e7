package io.gatehouse.server.alert;

import io.gatehouse.server.common.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhook deliveries may go. A webhook is a request the server makes from inside the network to an address
 * an administrator typed, so a stolen console session (or a careless one) could aim it at what only the server can
 * reach: its own host, the database, a cloud's metadata service at 169.254.169.254, an internal admin page. Such
 * addresses (loopback, private, shared, link-local, multicast and the other special-purpose ranges of the IANA
 * registries) are refused unless the operator opens a network with {@code alerts.webhook-allow-networks}.
 *
 * <p>Checked twice: when an endpoint is registered (an address written in the URL, or a name of the server itself
 * such as {@code localhost}; other names are not looked up then) and when the sender connects, on every address
 * the name resolves to at that moment ({@link #checkedAddresses}). The sender's client connects to exactly the
 * addresses checked, never looking the name up again, so a name that changes its answer after the check (DNS
 * rebinding) changes nothing.
 */
final class WebhookDestinations {
    /** The special-purpose ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries), each with its name. */
    private static final List<Range> SPECIAL = List.of(
            range("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
            range("10.0.0.0/8", "private (10.0.0.0/8)"),
            range("100.64.0.0/10", "shared address space (100.64.0.0/10)"),
            range("127.0.0.0/8", "loopback: the server itself (127.0.0.0/8)"),
            range("169.254.0.0/16", "link-local, where cloud metadata services answer (169.254.0.0/16)"),
            range("172.16.0.0/12", "private (172.16.0.0/12)"),
            range("192.0.0.0/24", "reserved for protocol assignments (192.0.0.0/24)"),
            range("192.0.2.0/24", "documentation (192.0.2.0/24)"),
            range("192.168.0.0/16", "private (192.168.0.0/16)"),
            range("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
            range("198.51.100.0/24", "documentation (198.51.100.0/24)"),
            range("203.0.113.0/24", "documentation (203.0.113.0/24)"),
            range("224.0.0.0/4", "multicast (224.0.0.0/4)"),
            range("240.0.0.0/4", "reserved (240.0.0.0/4)"),
            range("::/128", "unspecified (::/128)"),
            range("::1/128", "loopback: the server itself (::1)"),
            range("::/96", "IPv4-compatible (::/96)"),
            range("64:ff9b::/96", "NAT64, which reaches any IPv4 address (64:ff9b::/96)"),
            range("64:ff9b:1::/48", "local NAT64 (64:ff9b:1::/48)"),
            range("100::/64", "discard-only (100::/64)"),
            range("192.88.99.0/24", "the 6to4 relay anycast, which tunnels to any IPv4 address (192.88.99.0/24)"),
            range("2001::/32", "Teredo, which tunnels to any IPv4 address (2001::/32)"),
            range("2001::/23", "IETF protocol assignments (2001::/23)"),
            range("2001:db8::/32", "documentation (2001:db8::/32)"),
            range("3fff::/20", "documentation (3fff::/20)"),
            range("5f00::/16", "segment routing (5f00::/16)"),
            range("2002::/16", "6to4, which tunnels to any IPv4 address (2002::/16)"),
            range("fc00::/7", "unique local, IPv6's private (fc00::/7)"),
            range("fe80::/10", "link-local (fe80::/10)"),
            range("fec0::/10", "site-local (fec0::/10)"),
            range("ff00::/8", "multicast (ff00::/8)"));

    private final List<IpLiteral.Network> allowed;

    /**
     * @param allowed networks (CIDR) opened by the operator although they are special, such as {@code 10.20.0.0/16}
     *     for a SIEM inside; checked to be networks when the configuration was read
     */
    WebhookDestinations(List<String> allowed) {
        this.allowed = allowed.stream().map(text -> IpLiteral.network(text).orElseThrow(
                () -> new IllegalArgumentException("not a network: " + text))).toList();
    }

    /**
     * Why an endpoint with this URL host may not be registered, or empty. An address is checked (an IPv6 address
     * with a zone, {@code [fe80::1%25eth0]}, as the address); so is a name of the server itself ({@code localhost},
     * {@code *.localhost}, answered by the hosts file), as both its loopback addresses; other names are checked at
     * each delivery. A host whose last label is a number but is not a dotted quad ({@code 2130706433},
     * {@code 0x7f000001}) is refused as it stands: resolvers read such forms as addresses in ways that differ, and
     * no host name ends in a number.
     *
     * @param host the URL's host, an IPv6 literal in brackets
     */
    Optional<String> refusalOfHost(String host) {
        String name = withoutZone(unbracketed(host));
        String lower = name.toLowerCase(Locale.ROOT);
        String bare = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        String last = bare.substring(bare.lastIndexOf('.') + 1);
        Optional<byte[]> literal = IpLiteral.parse(name);
        if (literal.isEmpty() && last.matches("[0-9]+|0x[0-9a-f]*")) {
            return Optional.of("'" + name + "' is neither a host name nor a dotted-quad or IPv6 address");
        }
        if (literal.isPresent()) {
            return refusal(name, literal.get());
        }
        if (bare.equals("localhost") || bare.endsWith(".localhost")) {
            return refusal(name, IpLiteral.parse("127.0.0.1").orElseThrow())
                    .or(() -> refusal(name, IpLiteral.parse("::1").orElseThrow()));
        }
        return Optional.empty();
    }

    /** A URL host without the brackets of an IPv6 literal. */
    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** An IPv6 literal without its zone ({@code %25eth0} in a URL, {@code %eth0} once decoded). */
    private static String withoutZone(String literal) {
        int zone = literal.indexOf('%');
        return zone < 0 ? literal : literal.substring(0, zone);
    }

    /**
     * The addresses a connection to {@code host} may use now: all it resolves to, each checked. All of them, because
     * a client may connect to any; one that is special and not allowed refuses the whole name.
     *
     * @throws UnknownHostException the name does not resolve now (the delivery fails and is retried)
     * @throws Refused one of its addresses is special and not allowed (the delivery is not sent)
     */
    List<InetSocketAddress> checkedAddresses(String host, int port) throws UnknownHostException, Refused {
        String name = unbracketed(host);
        List<InetSocketAddress> open = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(name)) {
            Optional<String> refused = refusal(name, address.getAddress());
            if (refused.isPresent()) {
                throw new Refused(refused.get());
            }
            open.add(new InetSocketAddress(address, port));
        }
        return open;
    }

    /** A destination the checks refuse: its message says which address and why. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null);
        }
    }

    /** Why {@code address} (4 or 16 bytes; an IPv4-mapped IPv6 address counts as its IPv4 address) is refused. */
    Optional<String> refusal(String name, byte[] address) {
        byte[] bytes = mappedIpv4(address).orElse(address);
        if (allowed.stream().anyMatch(network -> network.contains(bytes))) {
            return Optional.empty();
        }
        return SPECIAL.stream().filter(range -> range.network().contains(bytes)).findFirst().map(range -> {
            String shown = hostAddress(bytes);
            return "'" + name + "'" + (name.equals(shown) ? "" : " (" + shown + ")") + " is " + range.name()
                    + ", which webhooks may not reach unless alerts.webhook-allow-networks opens it";
        });
    }

    private static Optional<byte[]> mappedIpv4(byte[] address) {
        if (address.length != 16) {
            return Optional.empty();
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return Optional.empty();
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return Optional.empty();
        }
        return Optional.of(new byte[] {address[12], address[13], address[14], address[15]});
    }

    private static String hostAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    private static Range range(String network, String name) {
        return new Range(IpLiteral.network(network).orElseThrow(), name);
    }

    private record Range(IpLiteral.Network network, String name) {
    }
}
