package io.gatehouse.server.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.policy.SignInMethod;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registration of the applications that sign people in, by administrators. A confidential client gets a secret
 * once (only its SHA-256 is kept) or registers the public keys of its {@code private_key_jwt} assertions.
 */
public final class OidcClients {
    /** Secrets carry a fixed prefix so that secret scanners recognise a leaked one. */
    static final String SECRET_PREFIX = "ghcs_";
    private static final int MAX_NAME = 100;
    private static final int MAX_KEYS = 10;

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final OidcClientStore store = new OidcClientStore();

    public OidcClients(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /**
     * What an administrator registers.
     *
     * @param jwks for {@code private_key_jwt}: a JWK set of public keys as JSON; null for a secret
     */
    public record Registration(String name, List<String> redirectUris, boolean publicClient,
            List<String> postLogoutRedirectUris, boolean refreshTokens, Map<String, Object> jwks,
            Set<SignInMethod> signInMethods, boolean phishingResistant) {
    }

    /** A registered client with the only copy of its secret (empty for public and {@code private_key_jwt}). */
    public record Registered(OidcClient client, Optional<String> secret) {
    }

    public Registered register(Registration registration, String actor, ClientInfo from) {
        // 1. A name people recognise on the sign-in page.
        String name = registration.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must hold 1 to " + MAX_NAME
                    + " characters");
        }
        // 2. Exact redirect URIs only.
        List<URI> redirects = RedirectUris.parseAll("redirectUris", registration.redirectUris(), true);
        List<URI> logouts = RedirectUris.parseAll("postLogoutRedirectUris", registration.postLogoutRedirectUris(),
                false);
        // 3. A public client has nothing to keep secret; keys are for confidential clients only.
        Optional<JWKSet> jwks = Optional.ofNullable(registration.jwks()).map(OidcClients::publicKeys);
        if (registration.publicClient() && jwks.isPresent()) {
            throw GatehouseException.invalid("invalid_field", "a public client cannot register 'jwks';"
                    + " it authenticates with PKCE alone");
        }
        String clientId = Ids.newId(random, "oc");
        Optional<String> secret = registration.publicClient() || jwks.isPresent() ? Optional.empty()
                : Optional.of(SECRET_PREFIX + Ids.randomBase32(random, 32));
        OidcClient.AuthMethod method = registration.publicClient() ? OidcClient.AuthMethod.NONE
                : jwks.isPresent() ? OidcClient.AuthMethod.PRIVATE_KEY_JWT : OidcClient.AuthMethod.CLIENT_SECRET_BASIC;
        OidcClient client = new OidcClient(clientId, name, registration.publicClient(), redirects, logouts, method,
                secret.map(Ids::sha256).orElse(null), jwks, registration.refreshTokens(),
                registration.signInMethods(), registration.phishingResistant(), actor, clock.instant());
        database.inTransaction(tx -> {
            store.insert(tx, client);
            audit.append(tx, AuditEvent.of(actor, "oidc.client.register", from).subject("oidc_client:" + clientId)
                    .detail("name", name).detail("authMethod", method.code())
                    .detail("signInMethods", String.join(" ", SignInMethod.codes(client.signInMethods())))
                    .detail("phishingResistant", client.phishingResistant()).success());
            return null;
        });
        return new Registered(client, secret);
    }

    public List<OidcClient> list() {
        return database.read(store::all);
    }

    public OidcClient get(String clientId) {
        return find(clientId).orElseThrow(() -> GatehouseException.notFound("not_found", "no OIDC client '"
                + clientId + "'"));
    }

    public Optional<OidcClient> find(String clientId) {
        return database.read(tx -> find(tx, clientId));
    }

    public Optional<OidcClient> find(ReadTx tx, String clientId) {
        return clientId == null ? Optional.empty() : store.find(tx, clientId);
    }

    public void delete(String clientId, String actor, ClientInfo from) {
        database.inTransaction(tx -> {
            if (!store.delete(tx, clientId)) {
                throw GatehouseException.notFound("not_found", "no OIDC client '" + clientId + "'");
            }
            audit.append(tx, AuditEvent.of(actor, "oidc.client.delete", from).subject("oidc_client:" + clientId)
                    .success());
            return null;
        });
    }

    /** True when {@code secret} is the client's secret, compared in constant time over the hashes. */
    static boolean secretMatches(OidcClient client, String secret) {
        return client.secretHash() != null && secret != null
                && MessageDigest.isEqual(Ids.sha256(secret), client.secretHash());
    }

    private static JWKSet publicKeys(Map<String, Object> json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw GatehouseException.invalid("invalid_field", "field 'jwks' must be a JWK set: " + e.getMessage());
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
            throw GatehouseException.invalid("invalid_field", "field 'jwks' must hold 1 to " + MAX_KEYS + " keys");
        }
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw GatehouseException.invalid("invalid_field", "field 'jwks' must hold public keys only;"
                        + " a private key was sent and is not kept");
            }
        }
        return set.toPublicJWKSet();
    }
}
