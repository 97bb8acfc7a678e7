package io.gatehouse.server;

import io.gatehouse.server.auth.Role;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.install.Installation;
import java.time.Clock;

/**
 * Every feature with state, built once from the configuration over one shared {@link Core}; also used by the
 * command line without HTTP.
 */
public record Services(Core core, AuthModule auth, PeopleModule people, TotpModule totp, AccessModule access,
        ReaderModule reader, CodesModule codes) implements AutoCloseable {

    /**
     * Opens the key file and the database (migrating it) and builds the services; a new installation is created
     * first (data directory, database file and key file, all private to their owner).
     */
    public static Services open(GatehouseConfig config, Clock clock) {
        return open(Installation.inspect(config), clock);
    }

    /**
     * Opens an existing installation and refuses when there is none, creating nothing: for the commands other than
     * {@code serve}, so that a mistyped {@code --data} does not become a new, empty installation.
     */
    public static Services openExisting(GatehouseConfig config, Clock clock) {
        Installation installation = Installation.inspect(config);
        installation.requireExisting();
        return open(installation, clock);
    }

    static Services open(Installation installation, Clock clock) {
        Core core = Core.open(installation, clock);
        CodesModule codes = null;
        try {
            codes = CodesModule.open(core);
            PeopleModule people = PeopleModule.open(core);
            ReaderModule reader = ReaderModule.open(core, codes);
            AccessModule access = AccessModule.open(core, people, reader.mintingKeys(),
                    new io.gatehouse.server.kiosk.BoundPassDecisions(
                            new io.gatehouse.server.visitor.VisitorPassDecisions()), codes);
            // The bootstrap link ends once an administrator can sign in to the console with a passkey.
            AuthModule auth = AuthModule.open(core, tx -> people.users().activeWithRole(tx, Role.ADMIN.code())
                    .stream().anyMatch(userId -> access.devices().hasActivePasskey(tx, userId)));
            TotpModule totp = TotpModule.open(core, people, codes);
            codes.registerLinks(totp.enrollments().codeLinks(), access.devices().codeLinks(),
                    reader.sync().codeLinks());
            return new Services(core, auth, people, totp, access, reader, codes);
        } catch (RuntimeException e) {
            if (codes != null) {
                codes.close();
            }
            core.close();
            throw e;
        }
    }

    @Override
    public void close() {
        codes.close();
        core.close();
    }
}
