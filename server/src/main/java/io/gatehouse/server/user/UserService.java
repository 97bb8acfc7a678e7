package io.gatehouse.server.user;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.audit.UserLookup;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.DatabaseException;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Users and their roles. */
public final class UserService implements UserLookup {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final PendingLinks links;
    private final List<PersonalData> personalData;

    /** @param personalData every other feature's rows about a person, in the order a deletion erases them */
    public UserService(Database database, AuditLog audit, Clock clock, SecureRandom random,
            List<PersonalData> personalData) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.links = new PendingLinks(audit, clock);
        this.personalData = List.copyOf(personalData);
    }

    public User create(String username, List<String> roles, Principal by, ClientInfo client) {
        Username name = Username.forNewUser(username);
        TreeSet<String> roleSet = Roles.validateAll(roles);
        try {
            return insert(name, roleSet, by, client);
        } catch (DatabaseException e) {
            if (e.isUniqueViolation()) {
                // Lost a race with a concurrent create of the same name.
                throw taken(name, name.display());
            }
            throw e;
        }
    }

    private User insert(Username name, TreeSet<String> roleSet, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            Optional<User> existing = findByUsername(tx, name);
            if (existing.isPresent()) {
                throw taken(name, existing.get().username());
            }
            String id = Ids.newId(random, "usr");
            long now = clock.millis();
            UserStore.insert(tx, id, name, roleSet, now);
            // The name stays out of the record: a deletion erases it from the users table, and the (unchangeable)
            // audit log must then hold nothing that maps the id back to it.
            audit.append(tx, AuditEvent.of(by.actor(), "user.create", client).user(id)
                    .detail("roles", List.copyOf(roleSet)).success());
            return new User(id, name.display(), "active", roleSet, now);
        });
    }

    private static GatehouseException taken(Username wanted, String existing) {
        return GatehouseException.conflict("username_taken", "a user named '" + existing + "' already exists; usernames"
                + " are compared without regard to case, so '" + wanted.display() + "' names the same user");
    }

    public User setRoles(String userId, List<String> roles, Principal by, ClientInfo client) {
        TreeSet<String> roleSet = Roles.validateAll(roles);
        return database.inTransaction(tx -> {
            User user = lock(tx, userId);
            UserStore.replaceRoles(tx, userId, roleSet, clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "user.roles", client).user(userId)
                    .detail("before", new TreeSet<>(user.roles())).detail("after", List.copyOf(roleSet)).success());
            return new User(userId, user.username(), user.status(), roleSet, user.createdAt());
        });
    }

    /**
     * Suspends or resumes a user; takes effect on the user's next request. Suspension also ends every pending link
     * of the user, so nothing issued before it can be used after a resume.
     */
    public User setStatus(String userId, String status, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            User user = lock(tx, userId);
            UserStore.setStatus(tx, userId, status, clock.millis());
            boolean suspending = !"active".equals(status);
            PendingLinks.Ended ended = suspending
                    ? links.endAll(tx, userId, "user_suspended", by.actor(), client) : PendingLinks.Ended.NONE;
            AuditEvent.Builder event = AuditEvent.of(by.actor(), suspending ? "user.suspend" : "user.resume", client)
                    .user(userId).detail("before", user.status());
            if (suspending) {
                event.detail("pendingTotpEnrollmentsEnded", ended.totpEnrollments())
                        .detail("pendingDeviceEnrollmentsEnded", ended.deviceEnrollments());
            }
            audit.append(tx, event.success());
            return new User(userId, user.username(), status, user.roles(), user.createdAt());
        });
    }

    /**
     * Deletes a person and erases their personal data, in one transaction: 1 the user exists (else 404
     * {@code user_not_found}) and is locked, so no check, enrollment or link of theirs runs meanwhile; 2 every
     * feature deletes its rows about them ({@link PersonalData}: credentials with their seeds and keys, recovery
     * codes, links, devices, passkeys, throttles, rules naming them); 3 the user's roles and row go, which frees the
     * username; 4 the deletion is audited under the user's id alone. Their devices are unknown to doors from the
     * commit on, online at once and offline with the next bundle. The audit log keeps its records, which name the
     * user only by id (docs/security.md, "Deleting a person").
     */
    public void delete(String userId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            lock(tx, userId);
            Map<String, Integer> erased = new TreeMap<>();
            for (PersonalData data : personalData) {
                data.erase(tx, userId).forEach((kind, count) -> erased.merge(kind, count, Integer::sum));
            }
            if (!UserStore.delete(tx, userId)) {
                throw new IllegalStateException("user " + userId + " vanished under its row lock");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "user.delete", client).user(userId).detail("erased", erased)
                    .success());
            return null;
        });
    }

    /**
     * Ends every pending enrollment link of the user (TOTP links with their seeds, device links), auditing each;
     * for revocations, in the caller's transaction. {@code cause} becomes the reason of each audit record.
     */
    public PendingLinks.Ended endPendingLinks(Tx tx, String userId, String cause, String actor, ClientInfo client) {
        return links.endAll(tx, userId, cause, actor, client);
    }

    public Optional<User> find(ReadTx tx, String userId) {
        return UserStore.find(tx, userId);
    }

    /** The ids of active users holding {@code role}. */
    public List<String> activeWithRole(ReadTx tx, String role) {
        return UserStore.activeIdsWithRole(tx, role);
    }

    /** The user {@code name} folds to, if any. */
    public Optional<User> findByUsername(Tx tx, Username name) {
        return UserStore.idByKey(tx, name.key()).flatMap(id -> find(tx, id));
    }

    /** The user, locked until the transaction ends (serialises changes to one user's credentials), or 404. */
    public User lock(Tx tx, String userId) {
        UserStore.lock(tx, userId);
        return require(tx, userId);
    }

    /** The user, or 404 {@code user_not_found}. */
    public User require(ReadTx tx, String userId) {
        return find(tx, userId).orElseThrow(
                () -> GatehouseException.notFound("user_not_found", "no user with id '" + userId + "'"));
    }

    /** The user's roles; none for an unknown user. */
    public Set<String> rolesOf(ReadTx tx, String userId) {
        return UserStore.roles(tx, userId);
    }

    /** The user's lockout after failed second-factor attempts; not locked for an unknown user. */
    UserStore.LockState lockState(ReadTx tx, String userId) {
        return UserStore.lockState(tx, userId).orElse(new UserStore.LockState(0, null));
    }

    /** At most {@code limit} users that {@code filter} selects, by username, after {@code afterUsername}. */
    public List<User> list(int limit, String afterUsername, UserFilter filter) {
        return database.read(tx -> UserStore.idsByUsername(tx, limit, afterUsername, filter).stream()
                .map(id -> find(tx, id).orElseThrow()).toList());
    }

    @Override
    public boolean looksLikeUserId(String text) {
        return Username.looksLikeUserId(text);
    }

    @Override
    public Optional<String> idOfUsername(String username) {
        return Username.parse(username).flatMap(name -> database.read(tx -> UserStore.idByKey(tx, name.key())));
    }
}
