package io.gatehouse.server.console;

import io.gatehouse.server.auth.Bootstrap;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Role;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyService;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import io.gatehouse.server.user.Username;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bootstrap link in a browser: it makes the first administrator a person with a passkey and signs them in to
 * the console. (The same link can still hand out an admin API token instead, for automation.)
 */
public final class ConsoleBootstrap {
    /** The bootstrap link acting before any administrator exists: it may create only that one person. */
    private static final Principal BOOTSTRAP = new Principal(Bootstrap.actor(), "bootstrap",
            Role.ADMIN.permissions(), Set.of("bootstrap"));

    private final Database database;
    private final Bootstrap bootstrap;
    private final UserService users;
    private final Devices devices;
    private final PasskeyService passkeys;
    private final ConsoleSessions sessions;

    public ConsoleBootstrap(Database database, Bootstrap bootstrap, UserService users, Devices devices,
            PasskeyService passkeys, ConsoleSessions sessions) {
        this.database = database;
        this.bootstrap = bootstrap;
        this.users = users;
        this.devices = devices;
        this.passkeys = passkeys;
        this.sessions = sessions;
    }

    /** Checks that the link is live and no administrator exists, for the page that shows it. */
    public void check(String secret) {
        bootstrap.check(secret);
    }

    /** Options to register the first administrator's passkey, and the enrollment its answer goes back with. */
    public record Started(Ceremonies.Options options, String enrollment) {
    }

    /**
     * Starts the first administrator's passkey: 1 the link is live and no administrator exists, 2 the username is
     * valid, 3 it is new, or names the administrator an earlier, unfinished visit of a bootstrap link created (an
     * active admin without a passkey); then a device enrollment for that person and its registration options.
     */
    public Started start(String secret, String username, ClientInfo client) {
        bootstrap.check(secret);
        Username name = Username.forNewUser(username);
        Optional<User> existing = users.idOfUsername(name.display()).flatMap(id -> database.read(tx ->
                users.find(tx, id)));
        String userId;
        if (existing.isEmpty()) {
            userId = users.create(name.display(), List.of(Role.ADMIN.code()), BOOTSTRAP, client).id();
        } else if (existing.get().active() && existing.get().roles().contains(Role.ADMIN.code())
                && !database.read(tx -> devices.hasActivePasskey(tx, existing.get().id()))) {
            userId = existing.get().id();
        } else {
            throw GatehouseException.conflict("username_taken", "a user named '" + name.display() + "' exists"
                    + " already; choose another name for the first administrator");
        }
        Devices.Link link = devices.createEnrollment(userId, BOOTSTRAP, client);
        return new Started(passkeys.registrationOptions(link.token()), link.token());
    }

    /**
     * Finishes it: the passkey is registered through the enrollment (with every check of a device registration),
     * then the link is claimed and a console session starts, in one transaction.
     */
    public ConsoleSessions.Started finish(String secret, String enrollment, Ceremonies.Answer answer,
            ClientInfo client) {
        bootstrap.checkLink(secret);
        Ceremonies.Registered registered = passkeys.finishRegistration(enrollment, answer, client);
        String userId = database.read(tx -> devices.ownerOf(tx, registered.deviceId())).orElseThrow(() ->
                new IllegalStateException("device " + registered.deviceId() + " was registered without an owner"));
        return database.inTransaction(tx -> {
            bootstrap.claimForConsoleAdmin(tx, secret, userId, client);
            return sessions.start(tx, userId, "passkey", Bootstrap.actor(), client);
        });
    }
}
