package io.gatehouse.server.auth;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;

/**
 * The one-time link that creates the first administrator. While no admin token exists, every start of the server
 * issues a fresh link (invalidating older unused ones) and prints it; the link creates one admin token and dies.
 *
 * <p>The link exists only for a server without an administrator, so it ends as soon as one exists, however that
 * happened: creating an admin token ends every unused link in the same transaction ({@link #endUnusedLinks}), and
 * redemption checks again, in the redeeming transaction, that no active admin token exists.
 */
public final class Bootstrap {
    static final Duration LIFETIME = Duration.ofHours(1);
    static final String ACTOR = "bootstrap-link";
    /** {@code bootstrap_links.end_reason} of a link ended because an administrator exists. */
    private static final String END_ADMIN_EXISTS = "admin_exists";

    private final Database database;
    private final ApiTokens tokens;
    private final AuditLog audit;
    private final ConsoleAdmins consoleAdmins;
    private final Clock clock;
    private final SecureRandom random;

    /** Whether an administrator who signs in to the console with a passkey exists, read in the caller's transaction. */
    @FunctionalInterface
    public interface ConsoleAdmins {
        boolean exist(ReadTx tx);
    }

    public Bootstrap(Database database, ApiTokens tokens, AuditLog audit, ConsoleAdmins consoleAdmins, Clock clock,
            SecureRandom random) {
        this.database = database;
        this.tokens = tokens;
        this.audit = audit;
        this.consoleAdmins = consoleAdmins;
        this.clock = clock;
        this.random = random;
    }

    /** An administrator exists: an admin API token, or a console administrator with a passkey. */
    private boolean adminExists(ReadTx tx) {
        return ApiTokens.adminExists(tx, clock.millis()) || consoleAdmins.exist(tx);
    }

    /** Issues a new link secret when no administrator exists yet; empty otherwise. */
    public Optional<String> issueIfNeeded() {
        String secret = Ids.randomBase32(random, 32);
        long now = clock.millis();
        boolean issued = database.inTransaction(tx -> {
            if (adminExists(tx)) {
                return false;
            }
            TokenStore.replaceLinks(tx, Ids.newId(random, "bst"), Ids.sha256(secret), now, now + LIFETIME.toMillis());
            return true;
        });
        return issued ? Optional.of(secret) : Optional.empty();
    }

    /**
     * Ends every unused link because an administrator is being created in {@code tx}; each ended link is audited.
     * Called by {@link ApiTokens#create} for every admin token, from the API, the command line or a link.
     */
    static void endUnusedLinks(Tx tx, AuditLog audit, String actor, ClientInfo client, long now) {
        for (String id : TokenStore.lockUnusedLinks(tx)) {
            if (TokenStore.endLink(tx, id, END_ADMIN_EXISTS, now)) {
                audit.append(tx, AuditEvent.of(actor, "bootstrap.end", client).subject("bootstrap:" + id)
                        .reason(END_ADMIN_EXISTS).success());
            }
        }
    }

    /**
     * Checks that {@code secret} names a live link, for the page that shows the form.
     *
     * @throws GatehouseException as {@link #redeem} would, without changing anything
     */
    public void check(String secret) {
        database.read(tx -> {
            find(tx, secret);
            if (adminExists(tx)) {
                throw adminExists();
            }
            return null;
        });
    }

    /**
     * Checks only that {@code secret} names a link that is known, unused and not expired, without changing anything:
     * what a redemption checks before it reads its body.
     *
     * @throws GatehouseException 404 for an unknown link, 410 for a used, replaced, expired or ended one
     */
    public void checkLink(String secret) {
        database.read(tx -> find(tx, secret));
    }

    /**
     * Creates the first administrator's token through the link {@code secret}.
     *
     * @throws GatehouseException 404 for an unknown link; 410 for a used, replaced or expired one, and for any link once
     *     an administrator exists (that refusal ends the link and is audited)
     */
    public ApiTokens.Created redeem(String secret, String name, ClientInfo client) {
        ApiTokens.validateName(name);
        Optional<ApiTokens.Created> created = database.inTransaction(tx -> {
            // 1. the link is known, unused and not expired
            String linkId = find(tx, secret);
            // 2. claimed once; the row lock orders this against an admin token created at the same moment
            if (!TokenStore.endLink(tx, linkId, "used", clock.millis())) {
                throw GatehouseException.gone("bootstrap_used", "this bootstrap link was already used");
            }
            // 3. no administrator exists, read in this transaction: the link's purpose ends with the first one
            if (adminExists(tx)) {
                TokenStore.setEndReason(tx, linkId, END_ADMIN_EXISTS);
                audit.append(tx, AuditEvent.of(ACTOR, "admin.bootstrap", client).subject("bootstrap:" + linkId)
                        .reason(END_ADMIN_EXISTS).result("rejected"));
                return Optional.<ApiTokens.Created>empty();
            }
            // 4. the first admin token
            ApiTokens.Created token = tokens.create(tx, name, EnumSet.of(Scope.ADMIN), ACTOR, client);
            audit.append(tx, AuditEvent.of(ACTOR, "admin.bootstrap", client).subject("token:" + token.id())
                    .detail("link", linkId).detail("name", name).success());
            return Optional.of(token);
        });
        return created.orElseThrow(Bootstrap::adminExists);
    }

    /**
     * Ends the link {@code secret} because it made {@code userId} the first administrator, with a passkey to sign in
     * to the console: 1 the link is known, unused and not expired, 2 claimed once (in {@code tx}, which also records
     * what the claim made). Whether an administrator existed was checked before the person registered their passkey
     * ({@link #check}); only one link is live at a time, so no second administrator can come through another.
     */
    public void claimForConsoleAdmin(Tx tx, String secret, String userId, ClientInfo client) {
        String linkId = find(tx, secret);
        if (!TokenStore.endLink(tx, linkId, "used", clock.millis())) {
            throw GatehouseException.gone("bootstrap_used", "this bootstrap link was already used");
        }
        audit.append(tx, AuditEvent.of(ACTOR, "admin.bootstrap", client).user(userId).subject("user:" + userId)
                .detail("link", linkId).detail("method", "passkey").success());
    }

    /** The actor the bootstrap link acts as when it creates the first administrator. */
    public static String actor() {
        return ACTOR;
    }

    private static GatehouseException adminExists() {
        return GatehouseException.gone("bootstrap_ended", "an administrator already exists, so this bootstrap link has"
                + " ended; create further tokens with an admin token or 'gatehouse admin token create'");
    }

    private String find(ReadTx tx, String secret) {
        byte[] hash = Ids.sha256(secret == null ? "" : secret);
        long now = clock.millis();
        for (TokenStore.Link link : TokenStore.links(tx)) {
            if (MessageDigest.isEqual(hash, link.secretHash())) {
                if (END_ADMIN_EXISTS.equals(link.endReason())) {
                    throw adminExists();
                }
                if (link.ended()) {
                    throw GatehouseException.gone("bootstrap_used", "replaced".equals(link.endReason())
                            ? "this bootstrap link was replaced by a newer one" : "this bootstrap link was already used");
                }
                if (now >= link.expiresAt()) {
                    throw GatehouseException.gone("bootstrap_expired", "this bootstrap link has expired; restart the"
                            + " server for a new one, or run 'gatehouse admin token create'");
                }
                return link.id();
            }
        }
        throw GatehouseException.notFound("bootstrap_not_found", "no such bootstrap link");
    }
}
