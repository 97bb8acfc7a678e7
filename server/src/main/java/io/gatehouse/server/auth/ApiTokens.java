package io.gatehouse.server.auth;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Dialect;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    /** The longest a token may be given: long-lived credentials should be a decision renewed now and then. */
    public static final int MAX_LIFETIME_DAYS = 730;

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final ActiveTokens active;

    public ApiTokens(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.active = database.dialect() == Dialect.SQLITE ? ActiveTokens.enabled() : ActiveTokens.disabled();
    }

    /** A newly created token: {@code token} is the only copy of the secret; {@code expiresAt} empty: never. */
    public record Created(String id, String name, Set<Scope> scopes, String token, Optional<Instant> expiresAt) {
    }

    /**
     * How long a new token works: until the instant {@code at}, or for {@code days} days from its creation; with
     * neither, until it is revoked.
     */
    public record Expiry(Optional<Instant> at, Optional<Integer> days) {
        public static final Expiry NEVER = new Expiry(Optional.empty(), Optional.empty());

        public Expiry {
            if (at.isPresent() && days.isPresent()) {
                throw GatehouseException.invalid("invalid_field", "give at most one of the fields 'expiresAt' and"
                        + " 'expiresInDays'");
            }
        }
    }

    /** Creates a token that never expires in {@code tx}, and audits it. */
    public Created create(Tx tx, String name, Set<Scope> scopes, String actor, ClientInfo client) {
        return create(tx, name, scopes, Expiry.NEVER, actor, client);
    }

    /**
     * Creates a token in {@code tx} and audits it. The expiry is checked against the clock: an instant must be in
     * the future, and either form at most {@value #MAX_LIFETIME_DAYS} days ahead.
     */
    public Created create(Tx tx, String name, Set<Scope> scopes, Expiry expiry, String actor, ClientInfo client) {
        validateName(name);
        // Kept to the millisecond, as stored, so that the answer and the list show the same instant.
        Optional<Instant> expiresAt = expiresAt(expiry).map(at -> Instant.ofEpochMilli(at.toEpochMilli()));
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
        TokenStore.insertToken(tx, id, name, Ids.sha256(secret), scopes, actor, clock.millis(),
                expiresAt.map(Instant::toEpochMilli).orElse(null));
        audit.append(tx, AuditEvent.of(actor, "token.create", client).subject("token:" + id)
                .detail("name", name).detail("scopes", TokenStore.scopeText(scopes))
                .detail("expiresAt", expiresAt.map(Instant::toString).orElse(null)).success());
        return new Created(id, name, EnumSet.copyOf(scopes), PREFIX + id + "_" + secret, expiresAt);
    }

    public Created create(String name, Set<Scope> scopes, String actor, ClientInfo client) {
        return create(name, scopes, Expiry.NEVER, actor, client);
    }

    public Created create(String name, Set<Scope> scopes, Expiry expiry, String actor, ClientInfo client) {
        return database.inTransaction(tx -> create(tx, name, scopes, expiry, actor, client));
    }

    private Optional<Instant> expiresAt(Expiry expiry) {
        Instant now = clock.instant();
        Instant latest = now.plus(Duration.ofDays(MAX_LIFETIME_DAYS));
        if (expiry.days().isPresent()) {
            int days = expiry.days().get();
            if (days < 1 || days > MAX_LIFETIME_DAYS) {
                throw GatehouseException.invalid("invalid_field", "field 'expiresInDays' must be from 1 to "
                        + MAX_LIFETIME_DAYS + ", got " + days);
            }
            return Optional.of(now.plus(Duration.ofDays(days)));
        }
        expiry.at().ifPresent(at -> {
            if (!at.isAfter(now)) {
                throw GatehouseException.invalid("invalid_field", "field 'expiresAt' must be in the future, got "
                        + at + " (now is " + now + ")");
            }
            if (at.isAfter(latest)) {
                throw GatehouseException.invalid("invalid_field", "field 'expiresAt' must be at most "
                        + MAX_LIFETIME_DAYS + " days ahead (" + latest + "), got " + at);
            }
        });
        return expiry.at();
    }

    /**
     * Authenticates a bearer token.
     *
     * @return the principal, or empty when the token is malformed, unknown, revoked, expired or wrong
     */
    public Optional<Principal> authenticate(String token) {
        // 1. shape: ght_<id>_<secret>
        Optional<PrefixedSecret> parts = PrefixedSecret.parse(token, PREFIX);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        // 2. known and not revoked: the row as read since this server's last revocation, or read now
        long generation = active.generation();
        Optional<TokenStore.ActiveToken> stored = active.remembered(parts.get().id(), generation)
                .or(() -> database.read(tx -> TokenStore.activeToken(tx, parts.get().id())));
        // 3. secret matches, compared in constant time
        if (stored.isEmpty() || !parts.get().matches(stored.get().secretHash())) {
            return Optional.empty();
        }
        // 4. not expired: refused exactly like a revoked token, so an answer tells nobody which of the two it is
        Long expiresAt = stored.get().expiresAt();
        if (expiresAt != null && clock.millis() >= expiresAt) {
            return Optional.empty();
        }
        active.remember(stored.get(), generation);
        return Optional.of(Principal.token(stored.get().id(), stored.get().name(), stored.get().scopes()));
    }

    /** Revokes a token; effective on the next request (the rows remembered for authentication end with the commit). */
    public void revoke(String id, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (!TokenStore.revoke(tx, id, clock.millis())) {
                throw GatehouseException.notFound("token_not_found", "no active token with id '" + id + "'");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "token.revoke", client).subject("token:" + id).success());
            tx.afterCommit(active::revoked);
            return null;
        });
    }

    /** One page of every token by creation time. */
    public Page.Slice<ListedToken> list(Page page) {
        return list(page, Optional.empty());
    }

    /** One page of tokens by creation time, only those of {@code status} now if given. */
    public Page.Slice<ListedToken> list(Page page, Optional<TokenStore.Status> status) {
        return database.read(tx -> TokenStore.list(tx, page, status, clock.millis()));
    }

    /** True when at least one token that works (neither revoked nor expired) carries the admin scope. */
    public boolean adminExists() {
        return database.read(tx -> adminExists(tx, clock.millis()));
    }

    /** The same, read in {@code tx}, so that a decision and what it depends on are one transaction. */
    public static boolean adminExists(ReadTx tx, long nowMillis) {
        return TokenStore.adminExists(tx, nowMillis);
    }

    static void validateName(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters, got "
                    + (name == null ? "nothing" : name.length() + " characters"));
        }
    }
}
