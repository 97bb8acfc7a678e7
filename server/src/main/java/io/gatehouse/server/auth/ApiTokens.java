package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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
            throw GatehouseException.invalidField("scopes", "an array of at least one of " + Scope.codes(), "an empty array");
        }
        String id = Ids.randomBase32(random, 10);
        String secret = Ids.randomBase32(random, 32);
        String scopeText = scopes.stream().map(Scope::code).sorted().collect(Collectors.joining(" "));
        if (scopes.contains(Scope.ADMIN)) {
            // Before the insert: the row locks taken here order this against a bootstrap link being redeemed.
            Bootstrap.endUnusedLinks(tx, audit, actor, client, clock.millis());
        }
        tx.update("INSERT INTO api_tokens (id, name, secret_hash, scopes, created_by, created_at) VALUES (?, ?, ?, ?, ?,"
                + " ?)", id, name, Ids.sha256(secret), scopeText, actor, clock.millis());
        audit.append(tx, AuditEvent.of(actor, "token.create", client).subject("token:" + id)
                .detail("name", name).detail("scopes", scopeText).success());
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
        String id = parts.get().id();
        // 2. known and not revoked
        Optional<StoredToken> stored = database.read(tx -> tx.queryOne(
                "SELECT id, name, secret_hash, scopes FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
                rs -> new StoredToken(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getString(4)), id));
        // 3. secret matches, compared in constant time
        if (stored.isEmpty() || !parts.get().matches(stored.get().secretHash())) {
            return Optional.empty();
        }
        return Optional.of(new Principal(id, stored.get().name(), parseScopes(stored.get().scopes())));
    }

    /** Revokes a token; effective on the next request. */
    public void revoke(String id, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            int changed = tx.update("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    clock.millis(), id);
            if (changed == 0) {
                throw GatehouseException.notFound("token_not_found", "no active token with id '" + id + "'");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "token.revoke", client).subject("token:" + id).success());
            return null;
        });
    }

    /** One page of tokens by creation time. */
    public Page.Slice<Map<String, Object>> list(Page page) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT id, name, scopes, created_by, created_at, revoked_at FROM api_tokens"
                + page.sql("created_at", true, "id", false, args);
        return page.slice(database.read(tx -> tx.query(sql,
                rs -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("id", rs.getString("id"));
                    view.put("name", rs.getString("name"));
                    view.put("scopes", List.of(rs.getString("scopes").split(" ")));
                    view.put("createdBy", rs.getString("created_by"));
                    view.put("createdAt", java.time.Instant.ofEpochMilli(rs.getLong("created_at")).toString());
                    long revoked = rs.getLong("revoked_at");
                    view.put("revokedAt", rs.wasNull() ? null : java.time.Instant.ofEpochMilli(revoked).toString());
                    return new Page.Keyed<>(view, rs.getLong("created_at"), rs.getString("id"));
                }, args.toArray())));
    }

    /** True when at least one unrevoked token carries the admin scope. */
    public boolean adminExists() {
        return database.read(ApiTokens::adminExists);
    }

    /** The same, read in {@code tx}, so that a decision and what it depends on are one transaction. */
    public static boolean adminExists(ReadTx tx) {
        // scopes holds space-separated codes; padding both ends matches the whole code "admin" and nothing else.
        return tx.queryLong("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND (' ' || scopes || ' ')"
                + " LIKE ?", "% " + Scope.ADMIN.code() + " %") > 0;
    }

    public static Set<Scope> parseScopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : text.split(" ")) {
            Scope.parse(part).ifPresent(scopes::add);
        }
        return scopes;
    }

    static void validateName(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters, got "
                    + (name == null ? "nothing" : name.length() + " characters"));
        }
    }

    private record StoredToken(String id, String name, byte[] secretHash, String scopes) {
    }
}
