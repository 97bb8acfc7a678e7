package io.gatehouse.server.console;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Role;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-side console sessions. The cookie holds {@code ghs_<id>_<secret>}; the server keeps the secret's SHA-256,
 * so a copy of the database signs nobody in. A session ends when its person signs out or revokes it, after the idle
 * timeout, at its absolute expiry, and as soon as its person is suspended, deleted or loses every console role
 * (checked on every request, not only at sign-in). A fresh user verification is a timestamp of the session that
 * ages, never a flag that sticks.
 */
public final class ConsoleSessions {
    public static final String PREFIX = "ghs_";
    /** How old the last user verification may be for a dangerous action. */
    public static final Duration FRESH_VERIFICATION = Duration.ofMinutes(5);
    /** A request refreshes the idle timer at most this often, so that a busy page does not write on every call. */
    static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);
    /** Ended sessions are kept this long for the person's session list, then deleted (the audit keeps them). */
    static final Duration KEEP_ENDED = Duration.ofDays(7);

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final GatehouseConfig.Console settings;
    private final Clock clock;
    private final SecureRandom random;

    public ConsoleSessions(Database database, AuditLog audit, UserService users, GatehouseConfig.Console settings,
            Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
    }

    /** A new session: its id and the cookie value, the only copy of its secret. */
    public record Started(String sessionId, String cookie) {
        @Override
        public String toString() {
            return "Started[sessionId=" + sessionId + ", cookie=…]";
        }
    }

    /**
     * A live session and whom it signs in.
     *
     * @param csrfToken what every change must carry, derived from the cookie's secret (see {@link #csrfToken})
     */
    public record Signed(Session session, User user, Principal principal, String csrfToken) {
        /** True when the person verified themselves within {@link #FRESH_VERIFICATION} of {@code now}. */
        public boolean freshAt(long now) {
            return now - session.verifiedAt() <= FRESH_VERIFICATION.toMillis();
        }
    }

    /** A session as its person sees it in their list. */
    public record Session(String id, String userId, String method, long createdAt, long lastSeenAt, long expiresAt,
            long verifiedAt, String clientAddress, String userAgent) {
        static Session of(SessionStore.Stored stored) {
            return new Session(stored.id(), stored.userId(), stored.method(), stored.createdAt(), stored.lastSeenAt(),
                    stored.expiresAt(), stored.verifiedAt(), stored.clientAddress(), stored.userAgent());
        }
    }

    /** An open session as read, and its person if they still exist. */
    private record Found(SessionStore.Stored session, Optional<User> user) {
    }

    public GatehouseConfig.Console settings() {
        return settings;
    }

    /**
     * Signs in the person whose passkey made {@code verified} (user verification is part of every passkey
     * assertion Gatehouse accepts): 1 the person exists, 2 is active, 3 holds a console role. Each refusal is
     * audited with its reason.
     */
    public Started signIn(Ceremonies.Verified verified, ClientInfo client) {
        return database.inTransaction(tx -> {
            Optional<User> found = users.find(tx, verified.userId());
            String refusal = found.isEmpty() ? "user_not_found" : !found.get().active() ? "user_suspended"
                    : !Role.anyConsoleRole(found.get().roles()) ? "no_console_role" : null;
            if (refusal != null) {
                audit.append(tx, AuditEvent.of("device:" + verified.deviceId(), "console.sign_in", client)
                        .user(verified.userId()).reason(refusal).detail("method", "passkey").result("denied"));
                return Optional.<Started>empty();
            }
            return Optional.of(start(tx, found.get().id(), "passkey", "device:" + verified.deviceId(), client));
        }).orElseThrow(() -> GatehouseException.forbidden("console_sign_in_refused", "this passkey cannot sign in"
                + " to the console: its person must be active and hold one of the roles admin, security, helpdesk"
                + " or auditor"));
    }

    /** Starts a session for {@code userId} in {@code tx}, audited as {@code console.sign_in} by {@code actor}. */
    public Started start(Tx tx, String userId, String method, String actor, ClientInfo client) {
        String id = Ids.newId(random, "ses");
        String secret = Ids.randomBase32(random, 32);
        long now = clock.millis();
        SessionStore.insert(tx, new SessionStore.Stored(id, Ids.sha256(secret), userId, method, now, now,
                now + settings.absoluteTimeout().toMillis(), now, client.address(), client.userAgent()));
        audit.append(tx, AuditEvent.of(actor, "console.sign_in", client).user(userId).subject("session:" + id)
                .detail("method", method).success());
        return new Started(id, PREFIX + id + "_" + secret);
    }

    /**
     * The live session a cookie names: 1 the value has the session shape, 2 names an open session 3 whose secret it
     * holds (compared in constant time), 4 that has not reached its absolute expiry 5 nor been idle longer than the
     * idle timeout, 6 whose person still exists, is active and holds a console role. A session refused at 4 to 6 is
     * ended and the end audited; then the idle timer is refreshed.
     */
    public Optional<Signed> resolve(String cookie, ClientInfo client) {
        Optional<PrefixedSecret> parts = PrefixedSecret.parse(cookie, PREFIX);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        // The session and its person in one read: every console request pays for this.
        Optional<Found> found = database.read(tx -> SessionStore.findOpen(tx, parts.get().id())
                .map(session -> new Found(session, users.find(tx, session.userId()))));
        if (found.isEmpty() || !parts.get().matches(found.get().session().secretHash())) {
            return Optional.empty();
        }
        SessionStore.Stored stored = found.get().session();
        Optional<User> user = found.get().user();
        String ending = now >= stored.expiresAt() ? "absolute_timeout"
                : now - stored.lastSeenAt() >= settings.idleTimeout().toMillis() ? "idle_timeout"
                : user.isEmpty() ? "user_deleted"
                : !user.get().active() ? "user_suspended"
                : !Role.anyConsoleRole(user.get().roles()) ? "no_console_role" : null;
        if (ending != null) {
            end(stored.id(), stored.userId(), "session:" + stored.id(), ending, client);
            return Optional.empty();
        }
        if (now - stored.lastSeenAt() >= TOUCH_INTERVAL.toMillis()) {
            database.inTransaction(tx -> {
                SessionStore.touch(tx, stored.id(), now);
                return null;
            });
        }
        User person = user.get();
        return Optional.of(new Signed(Session.of(stored), person, Principal.user(person.id(), person.username(),
                person.roles()), csrfToken(parts.get().secret())));
    }

    /**
     * Records a fresh user verification: 1 the passkey that signed is the session's person's own. The time of it is
     * what {@link Signed#freshAt} measures.
     */
    public void verified(Signed signed, Ceremonies.Verified verified, ClientInfo client) {
        if (!verified.userId().equals(signed.user().id())) {
            database.inTransaction(tx -> {
                audit.append(tx, AuditEvent.of(signed.principal().actor(), "console.verify", client)
                        .user(signed.user().id()).subject("session:" + signed.session().id())
                        .reason("other_persons_passkey").result("denied"));
                return null;
            });
            throw GatehouseException.forbidden("other_persons_passkey", "this passkey belongs to someone else; verify"
                    + " with your own");
        }
        database.inTransaction(tx -> {
            SessionStore.verified(tx, signed.session().id(), clock.millis());
            audit.append(tx, AuditEvent.of(signed.principal().actor(), "console.verify", client)
                    .user(signed.user().id()).subject("session:" + signed.session().id())
                    .detail("device", verified.deviceId()).success());
            return null;
        });
    }

    /** Records a fresh user verification by a code the caller checked (see {@link CodeSignIn}). */
    void verifiedWithCode(Signed signed, ClientInfo client) {
        database.inTransaction(tx -> {
            SessionStore.verified(tx, signed.session().id(), clock.millis());
            audit.append(tx, AuditEvent.of(signed.principal().actor(), "console.verify", client)
                    .user(signed.user().id()).subject("session:" + signed.session().id()).detail("method", "code")
                    .success());
            return null;
        });
    }

    /** Signs out: the session ends at once. */
    public void signOut(Signed signed, ClientInfo client) {
        end(signed.session().id(), signed.user().id(), signed.principal().actor(), "signed_out", client);
    }

    /**
     * Ends one of the person's own sessions from their list.
     *
     * @throws GatehouseException 404 when {@code sessionId} is not an open session of theirs
     */
    public void revoke(Signed signed, String sessionId, ClientInfo client) {
        Optional<SessionStore.Stored> target = database.read(tx -> SessionStore.findOpen(tx, sessionId))
                .filter(session -> session.userId().equals(signed.user().id()));
        if (target.isEmpty() || !end(sessionId, signed.user().id(), signed.principal().actor(), "revoked", client)) {
            throw GatehouseException.notFound("session_not_found", "you have no open session '" + sessionId + "'");
        }
    }

    /** The person's open sessions, newest first (some may have timed out and end on their next use). */
    public List<Session> openSessions(String userId) {
        return database.read(tx -> SessionStore.openOfUser(tx, userId)).stream().map(Session::of).toList();
    }

    /** Ends every open session of a person, in the caller's transaction; the number ended. */
    public int endAll(Tx tx, String userId, String reason) {
        return SessionStore.endAllOfUser(tx, userId, reason, clock.millis());
    }

    /**
     * Ends every open session of a person for {@code by} (a security officer who fears a stolen session), each end
     * audited; the number ended.
     *
     * @throws GatehouseException 404 for an unknown person
     */
    public int revokeAll(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            users.require(tx, userId);
            List<SessionStore.Stored> open = SessionStore.openOfUser(tx, userId);
            for (SessionStore.Stored session : open) {
                SessionStore.end(tx, session.id(), "revoked", clock.millis());
                audit.append(tx, AuditEvent.of(by.actor(), "console.session_end", client).user(userId)
                        .subject("session:" + session.id()).reason("revoked").success());
            }
            return open.size();
        });
    }

    /** Deletes sessions that ended or expired more than {@link #KEEP_ENDED} ago. */
    public int prune() {
        long before = clock.millis() - KEEP_ENDED.toMillis();
        return database.inTransaction(tx -> SessionStore.deleteEndedBefore(tx, before));
    }

    /** True when {@code presented} is the CSRF token of the session whose cookie secret gave {@code expected}. */
    public static boolean csrfMatches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private boolean end(String sessionId, String userId, String actor, String reason, ClientInfo client) {
        return database.inTransaction(tx -> {
            if (!SessionStore.end(tx, sessionId, reason, clock.millis())) {
                return false;
            }
            audit.append(tx, AuditEvent.of(actor, "console.session_end", client).user(userId)
                    .subject("session:" + sessionId).reason(reason).success());
            return true;
        });
    }

    /**
     * The CSRF token of a session: an HMAC of a fixed label under the cookie's secret. Only a holder of the cookie
     * can compute it, and the server needs no copy: it derives the token again from the cookie of each request.
     */
    static String csrfToken(String cookieSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookieSecret.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return Base64Url.encode(mac.doFinal(
                    "gatehouse console csrf v1".getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
