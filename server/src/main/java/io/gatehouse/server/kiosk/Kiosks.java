package io.gatehouse.server.kiosk;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pairing, listing and revoking lobby kiosks, and recognising a paired kiosk by its credential. A pairing link is
 * spent by the first browser that opens it and lives {@link #PAIRING_LIFETIME}; the credential that browser gets is
 * 256 random bits, kept here only as its SHA-256, and stops working the moment the kiosk is revoked.
 */
public final class Kiosks {
    public static final String PAIR_PATH = "/kiosk/pair/";
    static final Duration PAIRING_LIFETIME = Duration.ofMinutes(10);
    private static final int SECRET_BYTES = 32;
    private static final int MAX_NAME = 100;

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public Kiosks(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** What an administrator posts to pair a kiosk. */
    public record NewKiosk(String name) {
        public NewKiosk {
            io.gatehouse.server.common.Fields.required("name", name, "a string");
            name = name.strip();
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw GatehouseException.invalidField("name", "a name of 1 to " + MAX_NAME + " characters",
                        name.length() + " characters");
            }
        }
    }

    /** A kiosk waiting to be paired, with the path of its one-time pairing link (shown once). */
    public record Pairing(Kiosk kiosk, String pairingPath) {
    }

    public Pairing create(NewKiosk request, Principal by, ClientInfo client) {
        String token = Base64Url.encode(randomBytes());
        String id = Ids.newId(random, "ksk");
        Instant now = clock.instant();
        Instant expires = now.plus(PAIRING_LIFETIME);
        Kiosk kiosk = database.inTransaction(tx -> {
            KioskStore.insert(tx, id, request.name(), Ids.sha256(token), expires, by.actor(), now);
            audit.append(tx, AuditEvent.of(by.actor(), "kiosk.create", client).subject("kiosk:" + id)
                    .detail("pairingExpiresAt", expires.toString()).success());
            return KioskStore.byId(tx, id).orElseThrow();
        });
        return new Pairing(kiosk, PAIR_PATH + token);
    }

    public List<Kiosk> list() {
        return database.read(KioskStore::all);
    }

    public Kiosk get(String id) {
        return database.read(tx -> KioskStore.byId(tx, id)).orElseThrow(() -> notFound(id));
    }

    /** Revokes a kiosk: its credential (or its unspent pairing link) is refused from the next request on. */
    public Kiosk revoke(String id, Principal by, ClientInfo client) {
        Instant now = clock.instant();
        return database.inTransaction(tx -> {
            Kiosk kiosk = KioskStore.byId(tx, id).orElseThrow(() -> notFound(id));
            if (!KioskStore.revoke(tx, id, now)) {
                throw GatehouseException.conflict("kiosk_revoked", "kiosk '" + id + "' was revoked already");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "kiosk.revoke", client).subject("kiosk:" + id)
                    .detail("previousState", kiosk.state().code()).success());
            return KioskStore.byId(tx, id).orElseThrow();
        });
    }

    /** Whether {@code token} is the live pairing link of kiosk {@code id}: only then is its QR code drawn. */
    public boolean pairingLive(String id, String token) {
        Instant now = clock.instant();
        return database.read(tx -> KioskStore.byPairingHash(tx, Ids.sha256(token == null ? "" : token)))
                .filter(kiosk -> kiosk.id().equals(id) && kiosk.state() == Kiosk.State.PENDING)
                .flatMap(Kiosk::pairingExpiresAt).filter(now::isBefore).isPresent();
    }

    /** A paired kiosk and the credential its browser keeps (a cookie); the credential is shown only here. */
    public record Paired(Kiosk kiosk, String credential) {
    }

    /**
     * Pairs the browser that opened a pairing link: 1 the link names a kiosk, 2 still pending (not paired, not
     * revoked), 3 whose link has not expired; then the link is spent and a new credential stored as its hash.
     */
    public Paired pair(String token, ClientInfo client) {
        Instant now = clock.instant();
        String credential = Base64Url.encode(randomBytes());
        return database.inTransaction(tx -> {
            Kiosk kiosk = KioskStore.byPairingHash(tx, Ids.sha256(token == null ? "" : token)).orElseThrow(() ->
                    GatehouseException.gone("pairing_unknown", "this pairing link is unknown or was used already;"
                            + " ask an administrator for a new one"));
            if (kiosk.pairingExpiresAt().filter(now::isBefore).isEmpty()) {
                throw GatehouseException.gone("pairing_expired", "this pairing link expired at "
                        + kiosk.pairingExpiresAt().map(Instant::toString).orElse("?") + "; ask for a new one");
            }
            if (!KioskStore.pair(tx, kiosk.id(), Ids.sha256(credential), now)) {
                throw GatehouseException.gone("pairing_unknown", "this pairing link was used already");
            }
            audit.append(tx, AuditEvent.of(kiosk.actor(), "kiosk.pair", client).subject("kiosk:" + kiosk.id())
                    .success());
            return new Paired(KioskStore.byId(tx, kiosk.id()).orElseThrow(), credential);
        });
    }

    /**
     * The kiosk a presented credential belongs to: 1 a credential was presented, 2 its hash is a kiosk's, 3 that
     * kiosk is paired (a revoked kiosk keeps no hash; the state is checked as well).
     */
    public Kiosk authenticate(Optional<String> credential) {
        if (credential.isEmpty() || credential.get().isEmpty()) {
            throw unpaired("this browser is not a paired kiosk");
        }
        byte[] hash = Ids.sha256(credential.get());
        Kiosk kiosk = database.read(tx -> KioskStore.bySecretHash(tx, hash)).orElseThrow(() ->
                unpaired("this kiosk's credential is unknown or was revoked; pair the kiosk again"));
        if (kiosk.state() != Kiosk.State.PAIRED) {
            throw unpaired("this kiosk was revoked; pair the kiosk again");
        }
        Instant now = clock.instant();
        if (kiosk.lastSeenAt().filter(seen -> seen.isAfter(now.minus(Duration.ofMinutes(1)))).isEmpty()) {
            database.inTransaction(tx -> {
                KioskStore.seen(tx, kiosk.id(), now);
                return null;
            });
        }
        return kiosk;
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return bytes;
    }

    private static GatehouseException notFound(String id) {
        return GatehouseException.notFound("kiosk_not_found", "no kiosk with id '" + id + "'");
    }

    private static GatehouseException unpaired(String detail) {
        return GatehouseException.unauthenticated("kiosk_unpaired", detail);
    }
}
