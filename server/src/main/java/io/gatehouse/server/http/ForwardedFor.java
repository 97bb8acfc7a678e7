package io.gatehouse.server.http;

import io.gatehouse.server.common.IpLiteral;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The client's address when Gatehouse runs behind proxies: {@code X-Forwarded-For} is believed only when the
 * connection comes from a configured trusted proxy, and then only as far as the chain of trusted proxies reaches.
 * The address taken is the right-most one that is not itself a trusted proxy: every entry left of it was written
 * by the client, which can put anything there.
 */
public final class ForwardedFor {
    static final String ATTRIBUTE = "gatehouse.client-address";
    private static final int MAX_HOPS = 16;

    private final List<IpLiteral.Network> trusted;

    private ForwardedFor(List<IpLiteral.Network> trusted) {
        this.trusted = trusted;
    }

    /** Installs the filter when proxies are configured; without them the peer address is the client's. */
    public static void install(Javalin app, List<String> trustedProxies) {
        if (trustedProxies.isEmpty()) {
            return;
        }
        ForwardedFor filter = new ForwardedFor(trustedProxies.stream()
                .map(proxy -> IpLiteral.network(proxy).orElseThrow(() -> new IllegalArgumentException(
                        "not an address or network: " + proxy))).toList());
        app.before(filter::resolve);
    }

    private void resolve(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (!isTrusted(peer)) {
            return;
        }
        String header = ctx.header("X-Forwarded-For");
        if (header == null) {
            return;
        }
        String[] hops = header.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
            String hop = hops[i].strip();
            if (IpLiteral.parse(hop).isEmpty()) {
                break;
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        ctx.attribute(ATTRIBUTE, client);
    }

    private boolean isTrusted(String address) {
        Optional<byte[]> bytes = IpLiteral.parse(address);
        return bytes.isPresent() && trusted.stream().anyMatch(network -> network.contains(bytes.get()));
    }
}
