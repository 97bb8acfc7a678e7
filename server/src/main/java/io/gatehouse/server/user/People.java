package io.gatehouse.server.user;

import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;

/**
 * What an administrator sees of people, read in one transaction: the user with their second factor, their lockout
 * and, for one person, their devices. The API's user views and the console's People pages show the same.
 */
public final class People {
    /** The devices the view of one person shows; the devices list pages through all of them. */
    public static final int DEVICES_SHOWN = 100;

    private final Database database;
    private final UserService users;
    private final SecondFactors secondFactors;
    private final PersonDevices devices;

    public People(Database database, UserService users, SecondFactors secondFactors, PersonDevices devices) {
        this.database = database;
        this.users = users;
        this.secondFactors = secondFactors;
        this.devices = devices;
    }

    /**
     * A person as an administrator sees them.
     *
     * @param devices their first {@value #DEVICES_SHOWN} devices by enrollment; empty in lists of people
     */
    public record Person(User user, SecondFactors.State secondFactor, Lockout lockout,
            List<PersonDevices.Summary> devices) {
        public Person {
            devices = List.copyOf(devices);
        }
    }

    /**
     * A person's lockout after failed second-factor checks.
     *
     * @param consecutiveFailures the counted failures of the current failure window
     * @param lockedUntil null while the person is not locked out
     */
    public record Lockout(int consecutiveFailures, Instant lockedUntil) {
    }

    /** One page of people; {@code next} is the username to continue after, null on the last page. */
    public record Listing(List<Person> people, String next) {
        public Listing {
            people = List.copyOf(people);
        }
    }

    /** The person {@code userId} with their devices, or 404 {@code user_not_found}. */
    public Person get(String userId) {
        return database.read(tx -> withDevices(tx, users.require(tx, userId)));
    }

    /** {@code user} as it is now, without devices: the answer to a change. */
    public Person of(User user) {
        return database.read(tx -> person(tx, user));
    }

    /** At most {@code limit} people that {@code filter} selects, by username, after {@code afterUsername}. */
    public Listing list(int limit, String afterUsername, UserFilter filter) {
        List<User> page = users.list(limit, afterUsername, filter);
        List<Person> people = database.read(tx -> page.stream().map(user -> person(tx, user)).toList());
        return new Listing(people, page.size() == limit ? page.get(page.size() - 1).username() : null);
    }

    private Person withDevices(ReadTx tx, User user) {
        Person person = person(tx, user);
        return new Person(user, person.secondFactor(), person.lockout(), devices.of(tx, user.id(), DEVICES_SHOWN));
    }

    private Person person(ReadTx tx, User user) {
        UserStore.LockState lock = users.lockState(tx, user.id());
        return new Person(user, secondFactors.of(tx, user), new Lockout(lock.consecutiveFailures(),
                lock.lockedUntil() == null ? null : Instant.ofEpochMilli(lock.lockedUntil())), List.of());
    }
}
