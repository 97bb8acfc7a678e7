package io.gatehouse.server.oidc;

import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.crypto.MasterKeyring;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.passkey.PasskeyService;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.user.UserService;
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
    private final ProviderSessions sessions;
    private final SignIns signIns;
    private final Interactions interactions;
    private final LoginRequests phones;
    private final IdTokens idTokens;

    /** What the provider signs people in with: the people, their policies and their credentials. */
    public record People(UserService users, PolicyService policies, TotpVerifier verifier, PasskeyService passkeys,
            LoginRequests phones, Devices devices) {
    }

    public OidcProvider(Database database, AuditLog audit, MasterKeyring keyring, OidcClients clients,
            SigningKeys keys, People people, ProviderSessions.Settings settings, Supplier<URI> base, Clock clock,
            SecureRandom random) {
        this.clients = clients;
        this.keys = keys;
        this.endpoints = new Endpoints(base);
        GrantStore store = new GrantStore();
        this.idTokens = new IdTokens(keys, endpoints, clock);
        this.tokens = new Tokens(database, audit, idTokens, store, clock, random);
        this.authenticator = new ClientAuthenticator(clients, store, database, endpoints, clock);
        this.sessions = new ProviderSessions(database, audit, people.users(), people.devices(), settings, clock,
                random);
        this.signIns = new SignIns(database, audit, people.users(), people.policies(), people.verifier(),
                people.passkeys(), people.phones(), sessions, tokens, clock);
        this.interactions = new Interactions(keyring, clock, random);
        this.phones = people.phones();
    }

    /** Codes for people who signed in (the authorization endpoint's last step). */
    public Tokens tokens() {
        return tokens;
    }

    /** The browsers signed in to the provider. */
    public ProviderSessions sessions() {
        return sessions;
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

    SignInController signInController(int maxBody) {
        return new SignInController(new AuthorizationRequests(clients), signIns, sessions, tokens, interactions,
                phones, endpoints, maxBody);
    }

    LogoutController logoutController() {
        return new LogoutController(clients, sessions, idTokens, endpoints);
    }
}
