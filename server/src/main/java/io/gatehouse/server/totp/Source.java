package io.gatehouse.server.totp;

import io.gatehouse.server.common.ClientInfo;

/**
 * Where a second-factor check comes from, for throttling: the caller's credential ({@code actor}, such as
 * {@code token:<id>}) and its network as the server sees it ({@link ClientInfo#network()}: the HTTP edge's view of
 * the client, never a header it does not trust; an IPv6 address as its /64).
 */
record Source(String key) {
    static Source of(String actor, ClientInfo client) {
        return new Source(actor + " " + client.network());
    }
}
