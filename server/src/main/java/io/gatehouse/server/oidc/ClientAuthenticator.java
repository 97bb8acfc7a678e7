package io.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Who is calling the token endpoint: a confidential client proves itself with {@code client_secret_basic} or
 * {@code private_key_jwt} (RFC 7523), a public client names itself and proves possession with PKCE later. Every
 * failure is {@code invalid_client}, with one reason each.
 */
final class ClientAuthenticator {
    /**
     * An assertion valid for longer than this is refused: its jti would have to be remembered too long. SDKs make
     * them valid for five minutes; the rest allows for a client clock ahead of ours.
     */
    static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(10);

    private final OidcClients clients;
    private final GrantStore store;
    private final Database database;
    private final Endpoints endpoints;
    private final Clock clock;

    ClientAuthenticator(OidcClients clients, GrantStore store, Database database, Endpoints endpoints, Clock clock) {
        this.clients = clients;
        this.store = store;
        this.database = database;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /**
     * The authenticated client.
     *
     * @param authentication what the request carried; null for a public client
     * @param namedClientId the {@code client_id} form parameter (public clients)
     */
    OidcClient authenticate(ClientAuthentication authentication, ClientID namedClientId) {
        if (authentication == null) {
            // 1. A public client only names itself; it must be registered as public.
            OidcClient client = known(namedClientId);
            if (!client.publicClient()) {
                throw refused("client " + client.clientId() + " is confidential and must authenticate");
            }
            return client;
        }
        OidcClient client = known(authentication.getClientID());
        return switch (authentication) {
            case ClientSecretBasic basic -> secret(client, basic);
            case PrivateKeyJWT jwt -> assertion(client, jwt);
            default -> throw refused("authentication method " + authentication.getMethod() + " is not supported");
        };
    }

    private OidcClient known(ClientID clientId) {
        return clients.find(clientId == null ? null : clientId.getValue())
                .orElseThrow(() -> refused("unknown client"));
    }

    private static OidcClient secret(OidcClient client, ClientSecretBasic basic) {
        // 1. The client was registered for a secret.
        if (client.authMethod() != OidcClient.AuthMethod.CLIENT_SECRET_BASIC) {
            throw refused("client " + client.clientId() + " is not registered for client_secret_basic");
        }
        // 2. The secret matches its hash (constant time).
        if (!OidcClients.secretMatches(client, basic.getClientSecret().getValue())) {
            throw refused("wrong client secret");
        }
        return client;
    }

    private OidcClient assertion(OidcClient client, PrivateKeyJWT jwt) {
        // 1. The client was registered with keys.
        if (client.authMethod() != OidcClient.AuthMethod.PRIVATE_KEY_JWT || client.jwks().isEmpty()) {
            throw refused("client " + client.clientId() + " is not registered for private_key_jwt");
        }
        SignedJWT assertion = jwt.getClientAssertion();
        // 2. Signed by one of its registered keys.
        if (!verifies(client, assertion)) {
            throw refused("the client assertion is not signed by a key registered for the client");
        }
        JWTAuthenticationClaimsSet claims = jwt.getJWTAuthenticationClaimsSet();
        // 3. Meant for this provider: the audience names the token endpoint or the issuer (no relaying).
        boolean forUs = claims.getAudience().stream().map(Audience::getValue).anyMatch(aud ->
                aud.equals(endpoints.at(Endpoints.TOKEN).toString()) || aud.equals(endpoints.issuer()));
        if (!forUs) {
            throw refused("the client assertion's audience is not this provider");
        }
        // 4. Not expired, and not valid for long.
        Instant now = clock.instant();
        Instant expires = Optional.ofNullable(claims.getExpirationTime()).map(Date::toInstant).orElse(Instant.MIN);
        if (!expires.isAfter(now) || expires.isAfter(now.plus(MAX_ASSERTION_LIFETIME))) {
            throw refused("the client assertion is expired or valid for more than "
                    + MAX_ASSERTION_LIFETIME.toMinutes() + " minutes");
        }
        // 5. Used once: a captured assertion cannot be replayed.
        if (claims.getJWTID() == null || !database.inTransaction(tx -> store.rememberAssertion(tx,
                client.clientId(), claims.getJWTID().getValue(), expires))) {
            throw refused("the client assertion has no jti or was used before");
        }
        return client;
    }

    private static boolean verifies(OidcClient client, SignedJWT assertion) {
        String kid = assertion.getHeader().getKeyID();
        for (JWK key : client.jwks().orElseThrow().getKeys()) {
            if (kid != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            try {
                JWSVerifier verifier = switch (key) {
                    case ECKey ec -> new ECDSAVerifier(ec);
                    case RSAKey rsa -> new RSASSAVerifier(rsa);
                    default -> null;
                };
                if (verifier != null && verifier.supportedJWSAlgorithms().contains(assertion.getHeader()
                        .getAlgorithm()) && assertion.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException e) {
                // A key that cannot verify this algorithm is not the key; the next may be.
            }
        }
        return false;
    }

    private static GatehouseException refused(String why) {
        return OAuthRefusal.of(OAuthRefusal.INVALID_CLIENT, why);
    }
}
