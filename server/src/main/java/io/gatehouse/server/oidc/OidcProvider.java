package io.gatehouse.server.oidc;

import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.Database;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/** Composes the provider's parts over one issuer; {@link OidcController} puts their routes on the server. */
public final class OidcProvider {
    private final OidcClients clients;
    private final SigningKeys keys;
    private final Endpoints endpoints;
    private final Tokens tokens;
    private final ClientAuthenticator authenticator;

    public OidcProvider(Database database, AuditLog audit, OidcClients clients, SigningKeys keys, Supplier<URI> base,
            Clock clock, SecureRandom random) {
        this.clients = clients;
        this.keys = keys;
        this.endpoints = new Endpoints(base);
        GrantStore store = new GrantStore();
        this.tokens = new Tokens(database, audit, new IdTokens(keys, endpoints, clock), store, clock, random);
        this.authenticator = new ClientAuthenticator(clients, store, database, endpoints, clock);
    }

    /** Codes for people who signed in (the authorization endpoint's last step). */
    public Tokens tokens() {
        return tokens;
    }

    OidcClients clients() {
        return clients;
    }

    SigningKeys keys() {
        return keys;
    }

    Endpoints endpoints() {
        return endpoints;
    }

    ClientAuthenticator authenticator() {
        return authenticator;
    }
}
