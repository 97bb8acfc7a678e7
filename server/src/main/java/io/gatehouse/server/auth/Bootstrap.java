package io.gatehouse.server.auth;

import io.gatehouse.server.Ids;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.http.ApiException;
import io.gatehouse.server.http.ClientInfo;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;

/**
 * The one-time link that creates the first administrator. While no admin token exists, every start of the server
 * issues a fresh link (invalidating older unused ones) and prints it; the link creates one admin token and dies.
 */
public final class Bootstrap {
    static final Duration LIFETIME = Duration.ofHours(1);

    private final Database database;
    private final ApiTokens tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public Bootstrap(Database database, ApiTokens tokens, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** Issues a new link secret when no administrator exists yet; empty otherwise. */
    public Optional<String> issueIfNeeded() {
        if (tokens.adminExists()) {
            return Optional.empty();
        }
        String secret = Ids.randomBase32(random, 32);
        long now = clock.millis();
        database.inTransaction(tx -> {
            tx.update("UPDATE bootstrap_links SET used_at = ? WHERE used_at IS NULL", now);
            tx.update("INSERT INTO bootstrap_links (id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    Ids.newId(random, "bst"), Ids.sha256(secret), now, now + LIFETIME.toMillis());
            return null;
        });
        return Optional.of(secret);
    }

    /** True when {@code secret} names a live link; used to render the form. */
    public void check(String secret) {
        find(secret);
    }

    /**
     * Creates the first administrator's token through the link {@code secret}.
     *
     * @throws ApiException 404 for an unknown link, 410 for a used or expired one
     */
    public ApiTokens.Created redeem(String secret, String name, ClientInfo client) {
        return database.inTransaction(tx -> {
            String linkId = find(secret);
            int claimed = tx.update("UPDATE bootstrap_links SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    clock.millis(), linkId);
            if (claimed == 0) {
                throw ApiException.gone("bootstrap_used", "this bootstrap link was already used");
            }
            ApiTokens.Created created = tokens.create(tx, name, EnumSet.of(Scope.ADMIN), "bootstrap-link", client);
            audit.append(tx, AuditEvent.of("bootstrap-link", "admin.bootstrap", client)
                    .subject("token:" + created.id()).detail("name", name).success());
            return created;
        });
    }

    private String find(String secret) {
        byte[] hash = Ids.sha256(secret == null ? "" : secret);
        long now = clock.millis();
        var links = database.read(tx -> tx.query("SELECT id, secret_hash, expires_at, used_at FROM bootstrap_links",
                rs -> new Link(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getObject(4) != null)));
        for (Link link : links) {
            if (MessageDigest.isEqual(hash, link.secretHash())) {
                if (link.used()) {
                    throw ApiException.gone("bootstrap_used", "this bootstrap link was already used or replaced");
                }
                if (now >= link.expiresAt()) {
                    throw ApiException.gone("bootstrap_expired", "this bootstrap link has expired; restart the"
                            + " server for a new one, or run 'gatehouse admin token create'");
                }
                return link.id();
            }
        }
        throw ApiException.notFound("bootstrap_not_found", "no such bootstrap link");
    }

    private record Link(String id, byte[] secretHash, long expiresAt, boolean used) {
    }
}
