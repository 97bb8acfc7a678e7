package io.gatehouse.server.auth;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * API tokens: the credentials of administrators and of applications that verify codes.
 *
 * <p>A token reads {@code ght_<id>_<secret>}: the id finds the row, the 256-bit secret is stored only as its SHA-256
 * hash and compared in constant time. The fixed prefix lets secret scanners recognise a leaked token. A token is
 * shown once, when it is created.
 */
public final class ApiTokens {
    public static final String PREFIX = "ght_";

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public ApiTokens(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** A newly created token: {@code token} is the only copy of the secret. */
    public record Created(String id, String name, Set<Scope> scopes, String token) {
    }

    /** Creates a token in {@code tx} and audits it. */
    public Created create(Tx tx, String name, Set<Scope> scopes, String actor, ClientInfo client) {
        validateName(name);
        if (scopes.isEmpty()) {
            throw GatehouseException.invalidField("scopes", "an array of at least one of " + Scope.codes(),
                    "an empty array");
        }
        String id = Ids.randomBase32(random, 10);
        String secret = Ids.randomBase32(random, 32);
        if (scopes.contains(Scope.ADMIN)) {
            // Before the insert: the row locks taken here order this against a bootstrap link being redeemed.
            Bootstrap.endUnusedLinks(tx, audit, actor, client, clock.millis());
        }
        TokenStore.insertToken(tx, id, name, Ids.sha256(secret), scopes, actor, clock.millis());
        audit.append(tx, AuditEvent.of(actor, "token.create", client).subject("token:" + id)
                .detail("name", name).detail("scopes", TokenStore.scopeText(scopes)).success());
        return new Created(id, name, EnumSet.copyOf(scopes), PREFIX + id + "_" + secret);
    }

    public Created create(String name, Set<Scope> scopes, String actor, ClientInfo client) {
        return database.inTransaction(tx -> create(tx, name, scopes, actor, client));
    }

    /**
     * Authenticates a bearer token.
     *
     * @return the principal, or empty when the token is malformed, unknown, revoked or wrong
     */
    public Optional<Principal> authenticate(String token) {
        // 1. shape: ght_<id>_<secret>
        Optional<PrefixedSecret> parts = PrefixedSecret.parse(token, PREFIX);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        // 2. known and not revoked
        Optional<TokenStore.ActiveToken> stored = database.read(tx -> TokenStore.activeToken(tx, parts.get().id()));
        // 3. secret matches, compared in constant time
        if (stored.isEmpty() || !parts.get().matches(stored.get().secretHash())) {
            return Optional.empty();
        }
        return Optional.of(Principal.token(stored.get().id(), stored.get().name(), stored.get().scopes()));
    }

    /** Revokes a token; effective on the next request. */
    public void revoke(String id, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (!TokenStore.revoke(tx, id, clock.millis())) {
                throw GatehouseException.notFound("token_not_found", "no active token with id '" + id + "'");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "token.revoke", client).subject("token:" + id).success());
            return null;
        });
    }

    /** One page of tokens by creation time. */
    public Page.Slice<TokenStore.Listed> list(Page page) {
        return database.read(tx -> TokenStore.list(tx, page));
    }

    /** True when at least one unrevoked token carries the admin scope. */
    public boolean adminExists() {
        return database.read(ApiTokens::adminExists);
    }

    /** The same, read in {@code tx}, so that a decision and what it depends on are one transaction. */
    public static boolean adminExists(ReadTx tx) {
        return TokenStore.adminExists(tx);
    }

    static void validateName(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters, got "
                    + (name == null ? "nothing" : name.length() + " characters"));
        }
    }
}
