package io.gatehouse.server.oidc;

import com.nimbusds.openid.connect.sdk.claims.ACR;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.Devices;
import io.gatehouse.server.policy.SignInMethod;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The provider's sessions: a browser that signed in, so that the next application it visits signs it in without
 * asking again, unless that application asks for more than the session holds. What a session holds ages: its
 * phishing-resistant level lasts {@link Settings#stepUpLifetime} from the authentication that reached it and then
 * falls back to {@link StepUp#MFA}; the session itself ends at {@link Settings#lifetime}.
 */
public final class ProviderSessions {
    static final String PREFIX = "ghp_";

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final Devices devices;
    private final Settings settings;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param lifetime how long a session lives after its sign-in, however active
     * @param stepUpLifetime how long a phishing-resistant authentication raises the session's level
     */
    public record Settings(Duration lifetime, Duration stepUpLifetime) {
        public static final Settings DEFAULT = new Settings(Duration.ofHours(8), Duration.ofMinutes(15));
    }

    /**
     * What one authentication proved.
     *
     * @param amr the methods as RFC 8176 names them
     * @param phishingResistant a passkey (or a phone's passkey) with user verification
     * @param deviceId the passkey's device, whose revocation ends what it proved; empty for a code
     * @param method how, for the sign-in's audit record
     */
    public record Authentication(String userId, List<String> amr, boolean phishingResistant,
            Optional<String> deviceId, SignInMethod method) {
        public Authentication {
            amr = List.copyOf(amr);
        }
    }

    /** A live session. */
    public record Session(String id, String userId, Instant authTime, List<String> amr, Optional<Instant> phrAt,
            Instant expiresAt) {

        /** The level the session holds at {@code now}: phishing-resistant only while the step-up lasts. */
        public ACR level(Instant now, Duration stepUpLifetime) {
            return phrAt.filter(at -> now.isBefore(at.plus(stepUpLifetime))).isPresent() ? StepUp.PHISHING_RESISTANT
                    : StepUp.MFA;
        }
    }

    /** A session just started and the cookie that names it (the only copy of its secret). */
    public record Started(Session session, String cookie) {
        @Override
        public String toString() {
            return "Started[" + session.id() + ", cookie=…]";
        }
    }

    public ProviderSessions(Database database, AuditLog audit, UserService users, Devices devices, Settings settings,
            Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.devices = devices;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Starts a session for what {@code proof} proved, in {@code tx}, ending the session {@code replacing} (the
     * browser's previous one, if any): a new sign-in never inherits an older session's id (session fixation).
     */
    Started start(Tx tx, Authentication proof, Optional<Session> replacing, ClientInfo client) {
        long now = clock.millis();
        replacing.ifPresent(old -> end(tx, old, "replaced", client));
        String id = Ids.newId(random, "ops");
        String secret = Ids.randomBase32(random, 32);
        ProviderSessionStore.Stored stored = new ProviderSessionStore.Stored(id, Ids.sha256(secret), proof.userId(),
                now, proof.amr(), proof.phishingResistant() ? now : null, proof.deviceId().orElse(null), now,
                now + settings.lifetime().toMillis());
        ProviderSessionStore.insert(tx, stored);
        audit.append(tx, AuditEvent.of("user:" + proof.userId(), "oidc.session.start", client).user(proof.userId())
                .subject("oidc_session:" + id).detail("amr", String.join(" ", proof.amr())).success());
        return new Started(session(stored), PREFIX + id + "_" + secret);
    }

    /**
     * The live session a cookie names: 1 the value has the session shape, 2 names an open session 3 whose secret it
     * holds (constant time), 4 that has not expired, 5 whose person exists and is active, 6 and whose passkey device,
     * if a passkey proved it, is still active. A session refused at 4 to 6 is ended and the end audited.
     */
    public Optional<Session> resolve(String cookie, ClientInfo client) {
        Optional<PrefixedSecret> parts = PrefixedSecret.parse(cookie, PREFIX);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        record Found(ProviderSessionStore.Stored session, Optional<User> user) {
        }
        Optional<Found> found = database.read(tx -> ProviderSessionStore.findOpen(tx, parts.get().id())
                .map(session -> new Found(session, users.find(tx, session.userId()))));
        if (found.isEmpty() || !parts.get().matches(found.get().session().secretHash())) {
            return Optional.empty();
        }
        ProviderSessionStore.Stored stored = found.get().session();
        String ending = clock.millis() >= stored.expiresAt() ? "expired"
                : found.get().user().filter(User::active).isEmpty() ? "user_inactive"
                : stored.deviceId() != null && !deviceActive(stored.deviceId()) ? "device_revoked" : null;
        if (ending != null) {
            database.inTransaction(tx -> end(tx, session(stored), ending, client));
            return Optional.empty();
        }
        return Optional.of(session(stored));
    }

    /** Ends a session (sign-out); audited. */
    public void end(Session session, String reason, ClientInfo client) {
        database.inTransaction(tx -> end(tx, session, reason, client));
    }

    /** The level {@code session} holds now. */
    public ACR levelNow(Session session) {
        return session.level(clock.instant(), settings.stepUpLifetime());
    }

    /** A person's open sessions, newest first (one may still end at its next use, if its device was revoked). */
    public List<Session> openSessions(String userId) {
        return database.read(tx -> {
            users.require(tx, userId);
            return ProviderSessionStore.openOf(tx, userId, clock.millis()).stream().map(ProviderSessions::session)
                    .toList();
        });
    }

    /** Ends every session of a person at once (an administrator's "sign out everywhere"); how many; audited. */
    public int revokeAll(String userId, String actor, ClientInfo client) {
        return database.inTransaction(tx -> {
            users.require(tx, userId);
            int ended = ProviderSessionStore.endAllOf(tx, userId, clock.millis());
            audit.append(tx, AuditEvent.of(actor, "oidc.session.revoke_all", client).user(userId)
                    .detail("ended", ended).success());
            return ended;
        });
    }

    /** Deletes sessions that ended or expired more than a day ago; how many. */
    public int prune() {
        long before = clock.millis() - Duration.ofDays(1).toMillis();
        return database.inTransaction(tx -> ProviderSessionStore.prune(tx, before));
    }

    private boolean end(Tx tx, Session session, String reason, ClientInfo client) {
        boolean ended = ProviderSessionStore.end(tx, session.id(), clock.millis());
        if (ended) {
            audit.append(tx, AuditEvent.of("user:" + session.userId(), "oidc.session.end", client)
                    .user(session.userId()).subject("oidc_session:" + session.id()).detail("reason", reason)
                    .success());
        }
        return ended;
    }

    private boolean deviceActive(String deviceId) {
        return devices.credentialOfDevice(deviceId).map(DeviceCredential::deviceActive).orElse(false);
    }

    private static Session session(ProviderSessionStore.Stored stored) {
        return new Session(stored.id(), stored.userId(), Instant.ofEpochMilli(stored.authTime()), stored.amr(),
                Optional.ofNullable(stored.phrAt()).map(Instant::ofEpochMilli),
                Instant.ofEpochMilli(stored.expiresAt()));
    }
}
