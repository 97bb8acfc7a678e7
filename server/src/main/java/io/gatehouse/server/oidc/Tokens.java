package io.gatehouse.server.oidc;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Authorization codes and the tokens they become. Codes, access and refresh tokens are random and kept only as
 * their SHA-256; a code lives {@link #CODE_LIFETIME} and is used once.
 */
public final class Tokens {
    static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    static final Duration ACCESS_LIFETIME = Duration.ofMinutes(10);
    static final Duration REFRESH_LIFETIME = Duration.ofDays(30);
    private static final String ACCESS_PREFIX = "ghat_";
    private static final String REFRESH_PREFIX = "ghrt_";

    private final Database database;
    private final AuditLog audit;
    private final IdTokens idTokens;
    private final Clock clock;
    private final SecureRandom random;
    private final GrantStore store;

    Tokens(Database database, AuditLog audit, IdTokens idTokens, GrantStore store, Clock clock,
            SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.idTokens = idTokens;
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    /** What the token endpoint hands out; {@code idToken} only for a code, {@code refreshToken} if registered. */
    public record Issued(String accessToken, Duration expiresIn, Optional<String> idToken,
            Optional<String> refreshToken, String scope) {
    }

    /** A live access token's owner, for the userinfo endpoint. */
    public record Bearer(String userId, String clientId, String scope) {
    }

    /** Issues a code for a person who signed in; the caller redirects to {@code grant.redirectUri()} with it. */
    public String issueCode(CodeGrant grant, ClientInfo from) {
        return database.inTransaction(tx -> issueCode(tx, grant, from));
    }

    /** As {@link #issueCode(CodeGrant, ClientInfo)}, in the caller's transaction (with the sign-in it follows). */
    String issueCode(io.gatehouse.server.db.Tx tx, CodeGrant grant, ClientInfo from) {
        String code = Ids.randomBase32(random, 32);
        Instant now = clock.instant();
        store.insertCode(tx, Ids.sha256(code), grant, now, now.plus(CODE_LIFETIME));
        audit.append(tx, AuditEvent.of("user:" + grant.signIn().userId(), "oidc.code.issue", from)
                .user(grant.signIn().userId()).subject("oidc_client:" + grant.clientId())
                .detail("acr", grant.signIn().acr()).success());
        return code;
    }

    /**
     * Exchanges a code (RFC 6749 §4.1.3, RFC 7636 §4.6). A code presented twice revokes every token it produced:
     * one of the two presenters stole it, and which one cannot be known.
     */
    public Issued exchangeCode(OidcClient client, String code, String redirectUri, Optional<String> verifier,
            ClientInfo from) {
        byte[] hash = Ids.sha256(code);
        Instant now = clock.instant();
        return decide(client, from, "oidc.token.code", tx -> {
            // 1. A code this provider issued.
            GrantStore.StoredCode stored = store.findCode(tx, hash).orElseThrow(() -> grant("unknown code"));
            CodeGrant grant = stored.grant();
            // 2. Issued to this client (a code stolen by another client is worthless to it).
            if (!grant.clientId().equals(client.clientId())) {
                throw grant("the code was issued to another client");
            }
            // 3. Unused; a second use revokes what the first one produced.
            if (stored.usedAt().isPresent() || !store.useCode(tx, hash, now)) {
                int revoked = store.revokeByCode(tx, hash, now);
                return Decision.refused(grant("the code was used before; the " + revoked
                        + " tokens it produced are revoked"));
            }
            // 4. Not expired.
            if (!now.isBefore(stored.expiresAt())) {
                throw grant("the code expired");
            }
            // 5. The same redirect URI as in the authorization request, compared as text.
            if (!grant.redirectUri().equals(redirectUri)) {
                throw grant("redirect_uri differs from the authorization request");
            }
            // 6. PKCE: the verifier hashes to the challenge; no verifier for a challenge, no verifier out of nowhere.
            checkPkce(grant.codeChallenge(), verifier);
            String family = Ids.newId(random, "of");
            String access = ACCESS_PREFIX + Ids.randomBase32(random, 32);
            store.insertToken(tx, Ids.sha256(access), "access", client.clientId(), grant.signIn().userId(),
                    grant.scope(), hash, family, now, now.plus(ACCESS_LIFETIME));
            Optional<String> refresh = Optional.empty();
            if (client.refreshTokens()) {
                refresh = Optional.of(REFRESH_PREFIX + Ids.randomBase32(random, 32));
                store.insertToken(tx, Ids.sha256(refresh.get()), "refresh", client.clientId(),
                        grant.signIn().userId(), grant.scope(), hash, family, now, now.plus(REFRESH_LIFETIME));
            }
            return Decision.issued(new Issued(access, ACCESS_LIFETIME, Optional.of(idTokens.sign(grant)), refresh,
                    grant.scope()), grant.signIn().userId());
        });
    }

    /** Rotates a refresh token (RFC 9700 §4.14.2): presenting a rotated-away one revokes its whole family. */
    public Issued refresh(OidcClient client, String refreshToken, ClientInfo from) {
        byte[] hash = Ids.sha256(refreshToken);
        Instant now = clock.instant();
        return decide(client, from, "oidc.token.refresh", tx -> {
            // 0. A client registered for refresh tokens (RFC 6749 §5.2: this grant is not its to use).
            if (!client.refreshTokens()) {
                throw OAuthRefusal.of(OAuthRefusal.UNAUTHORIZED_CLIENT, "this client is not registered for refresh"
                        + " tokens");
            }
            // 1. A refresh token this provider issued, to this client.
            GrantStore.StoredToken stored = store.findToken(tx, hash).filter(token -> token.kind().equals("refresh"))
                    .filter(token -> token.clientId().equals(client.clientId()))
                    .orElseThrow(() -> grant("unknown refresh token"));
            // 2. Not revoked.
            if (stored.revokedAt().isPresent()) {
                throw grant("the refresh token is revoked");
            }
            // 3. Not rotated away; presenting an old one revokes the family (one of its holders stole it).
            if (stored.usedAt().isPresent() || !store.useToken(tx, hash, now)) {
                int revoked = store.revokeFamily(tx, stored.family(), now);
                return Decision.refused(grant("the refresh token was used before; its family (" + revoked
                        + " tokens) is revoked"));
            }
            // 4. Not expired.
            if (!now.isBefore(stored.expiresAt())) {
                throw grant("the refresh token expired");
            }
            String access = ACCESS_PREFIX + Ids.randomBase32(random, 32);
            String next = REFRESH_PREFIX + Ids.randomBase32(random, 32);
            store.insertToken(tx, Ids.sha256(access), "access", client.clientId(), stored.userId(), stored.scope(),
                    stored.codeHash(), stored.family(), now, now.plus(ACCESS_LIFETIME));
            store.insertToken(tx, Ids.sha256(next), "refresh", client.clientId(), stored.userId(), stored.scope(),
                    stored.codeHash(), stored.family(), now, now.plus(REFRESH_LIFETIME));
            return Decision.issued(new Issued(access, ACCESS_LIFETIME, Optional.empty(), Optional.of(next),
                    stored.scope()), stored.userId());
        });
    }

    /** The owner of a live access token; empty for an unknown, expired or revoked one. */
    public Optional<Bearer> bearer(String accessToken) {
        Instant now = clock.instant();
        return database.read(tx -> store.findToken(tx, Ids.sha256(accessToken)))
                .filter(token -> token.kind().equals("access"))
                .filter(token -> token.revokedAt().isEmpty() && now.isBefore(token.expiresAt()))
                .map(token -> new Bearer(token.userId(), token.clientId(), token.scope()));
    }

    static void checkPkce(Optional<String> challenge, Optional<String> verifier) {
        if (challenge.isEmpty()) {
            if (verifier.isPresent()) {
                throw grant("code_verifier sent, but the authorization request had no code_challenge");
            }
            return;
        }
        if (verifier.isEmpty()) {
            throw grant("code_verifier is missing");
        }
        String expected;
        try {
            expected = CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier.get())).getValue();
        } catch (IllegalArgumentException e) {
            throw grant("code_verifier is malformed");
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                challenge.get().getBytes(StandardCharsets.US_ASCII))) {
            throw grant("code_verifier does not match the code_challenge");
        }
    }

    /** A decision whose refusal must still commit (revocations), with its audit record in the same transaction. */
    private record Decision(Optional<Issued> issued, Optional<GatehouseException> refusal, String userId) {
        static Decision issued(Issued issued, String userId) {
            return new Decision(Optional.of(issued), Optional.empty(), userId);
        }

        static Decision refused(GatehouseException refusal) {
            return new Decision(Optional.empty(), Optional.of(refusal), null);
        }
    }

    private interface Work {
        Decision decide(io.gatehouse.server.db.Tx tx);
    }

    private Issued decide(OidcClient client, ClientInfo from, String action, Work work) {
        Decision decision;
        try {
            decision = database.inTransaction(tx -> {
                Decision taken = work.decide(tx);
                audit(tx, client, from, action, taken.refusal(), taken.userId());
                return taken;
            });
        } catch (GatehouseException refusal) {
            // Refusals that change nothing roll back with their transaction; their audit record is written apart.
            database.inTransaction(tx -> {
                audit(tx, client, from, action, Optional.of(refusal), null);
                return null;
            });
            throw refusal;
        }
        if (decision.refusal().isPresent()) {
            throw decision.refusal().get();
        }
        return decision.issued().orElseThrow();
    }

    private void audit(io.gatehouse.server.db.Tx tx, OidcClient client, ClientInfo from, String action,
            Optional<GatehouseException> refusal, String userId) {
        AuditEvent.Builder event = AuditEvent.of("oidc_client:" + client.clientId(), action, from)
                .subject("oidc_client:" + client.clientId());
        if (userId != null) {
            event.user(userId);
        }
        audit.append(tx, refusal.map(e -> event.reason(e.code()).detail("detail", e.detail()).result("rejected"))
                .orElseGet(() -> event.result("accepted")));
    }

    private static GatehouseException grant(String why) {
        return OAuthRefusal.of(OAuthRefusal.INVALID_GRANT, why);
    }
}
