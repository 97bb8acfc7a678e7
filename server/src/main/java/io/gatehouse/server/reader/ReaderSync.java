package io.gatehouse.server.reader;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.DoorStore;
import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.codes.ManagedCodes;
import io.gatehouse.server.codes.OwnLink;
import io.gatehouse.server.codes.Purpose;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.device.DeviceCredential;
import io.gatehouse.server.device.DeviceStore;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.visitor.ReaderPasses;
import io.gatehouse.server.wallet.MintingKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What offline readers need from the server: provisioning (a one-time token becomes the reader's key and
 * credential), signed bundles, and the upload of the reader's hash-chained event queue into the audit log.
 */
public final class ReaderSync {
    static final Duration PROVISIONING_LIFETIME = Duration.ofHours(1);
    public static final String TOKEN_PREFIX = "ghp_";
    public static final String PATH = "/reader-enroll/";

    private final Database database;
    private final AuditLog audit;
    private final BundleKeys keys;
    private final MintingKeys mintingKeys;
    private final Clock clock;
    private final SecureRandom random;
    private final EventUpload events;
    private final ManagedCodes codes;
    private final ReaderPasses passes;

    public ReaderSync(Database database, AuditLog audit, BundleKeys keys, MintingKeys mintingKeys, Clock clock,
            SecureRandom random, ManagedCodes codes) {
        this.database = database;
        this.audit = audit;
        this.keys = keys;
        this.mintingKeys = mintingKeys;
        this.clock = clock;
        this.random = random;
        this.events = new EventUpload(database, audit, clock);
        this.codes = codes;
        this.passes = new ReaderPasses(audit);
    }

    /**
     * A provisioning token: {@code ghp_} + base64url(server base URL) + {@code .} + secret.
     *
     * @param replacesCredential the reader has a working credential now, which stops working when the token is used
     * @param supersededTokens earlier pending tokens of this reader, which stopped working now
     */
    public record Provisioning(String token, String secret, Instant expiresAt, boolean replacesCredential,
            int supersededTokens) {
    }

    public Provisioning provision(String readerId, String baseUrl, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            boolean active = ReaderStore.active(tx, readerId).orElseThrow(() -> GatehouseException.notFound(
                    "reader_not_found", "no reader with id '" + readerId + "'"));
            long now = clock.millis();
            int superseded = ReaderStore.supersedeProvisioning(tx, readerId, now);
            String secret = Ids.randomBase32(random, 32);
            long expiresAt = now + PROVISIONING_LIFETIME.toMillis();
            String provisioningId = Ids.newId(random, "prov");
            ReaderStore.insertProvisioning(tx, provisioningId, readerId, Ids.sha256(secret), now, expiresAt);
            codes.adopt(tx, Purpose.READER_PROVISIONING, provisioningId, secret,
                    Optional.of(Instant.ofEpochMilli(expiresAt)), by.actor());
            audit.append(tx, AuditEvent.of(by.actor(), "reader.provision", client).subject("reader:" + readerId)
                    .detail("expiresAt", Instant.ofEpochMilli(expiresAt).toString())
                    .detail("replacesCredential", active).detail("supersededTokens", superseded)
                    .success());
            String token = TOKEN_PREFIX + Base64Url.encode(baseUrl.getBytes(StandardCharsets.UTF_8)) + "." + secret;
            return new Provisioning(token, secret, Instant.ofEpochMilli(expiresAt), active, superseded);
        });
    }

    /** The provisioning tokens' side of their managed codes: how a token ended, and its end on revocation. */
    public OwnLink codeLinks() {
        return new OwnLink() {
            @Override
            public Optional<String> ended(ReadTx tx, String referenceId) {
                Optional<ReaderStore.Provisioning> token = ReaderStore.provisioningById(tx, referenceId);
                if (token.isEmpty()) {
                    return Optional.of("erased");
                }
                if (!"pending".equals(token.get().status())) {
                    return Optional.of(token.get().status());
                }
                return clock.instant().isBefore(token.get().expiresAt()) ? Optional.empty() : Optional.of("expired");
            }

            @Override
            public void revoke(Tx tx, String referenceId, String actor, ClientInfo client) {
                Optional<ReaderStore.Provisioning> token = ReaderStore.provisioningById(tx, referenceId);
                if (token.isPresent() && ReaderStore.endProvisioning(tx, referenceId, clock.millis())) {
                    audit.append(tx, AuditEvent.of(actor, "reader.provisioning.end", client)
                            .subject("reader:" + token.get().readerId()).detail("provisioning", referenceId)
                            .reason("code_revoked").success());
                }
            }
        };
    }

    /** Checks that {@code secret} names a pending, unexpired provisioning (404 or 410 otherwise). */
    public void checkProvisioning(String secret) {
        database.read(tx -> pendingProvisioning(tx, secret));
    }

    private ReaderStore.Provisioning pendingProvisioning(ReadTx tx, String secret) {
        if (secret == null || secret.length() > 128) {
            throw GatehouseException.notFound("provisioning_not_found", "no such provisioning token");
        }
        ReaderStore.Provisioning provisioning = ReaderStore.provisioning(tx, Ids.sha256(secret)).orElseThrow(
                () -> GatehouseException.notFound("provisioning_not_found", "no such provisioning token"));
        if (!"pending".equals(provisioning.status())) {
            throw GatehouseException.gone("provisioning_used", "this provisioning token was already used or replaced");
        }
        if (clock.millis() >= provisioning.expiresAt().toEpochMilli()) {
            throw GatehouseException.gone("provisioning_expired", "this provisioning token has expired");
        }
        return provisioning;
    }

    /**
     * What a reader posts to enroll.
     *
     * @param facts what the reader tells about itself: at most 8 text fields are kept, names cut to 32 and values
     *     to 100 characters, anything else is ignored (a reader's facts are informative only)
     */
    public record Enrollment(String secret, String publicKey, JsonNode facts) {
        public Enrollment {
            Fields.required("secret", secret, "a string");
            Fields.required("publicKey", publicKey, "a string");
        }

        Map<String, String> keptFacts() {
            Map<String, String> kept = new LinkedHashMap<>();
            if (facts != null) {
                facts.fields().forEachRemaining(field -> {
                    if (kept.size() < 8 && field.getValue().isTextual()) {
                        // Cut on whole characters: half of a surrogate pair would not be text.
                        kept.put(Utf8.truncate(field.getKey(), 32), Utf8.truncate(field.getValue().textValue(), 100));
                    }
                });
            }
            return kept;
        }
    }

    /** A bundle-signing key as an enrolling reader pins it. */
    public record PublishedKey(String keyId, String publicKey) {
    }

    /** An enrolled reader's credential, door, the keys to pin and where to call. */
    public record Enrolled(String readerId, String doorId, String credential, List<PublishedKey> bundleKeys,
            String serverUrl) {
    }

    /**
     * Enrolls a reader with a provisioning secret: 1 the secret names a pending, unexpired provisioning; 2 the public
     * key is a P-256 SPKI. The reader gets a new credential (the old one stops working), its key is recorded, and
     * its event chain starts again under a new generation.
     */
    public Enrolled enroll(Enrollment request, String serverUrl, ClientInfo client) {
        byte[] spki;
        try {
            spki = Base64Url.decode(request.publicKey());
            PublicKeys.fromSpki(spki);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_public_key", "field 'publicKey' must be a base64url SPKI of a"
                    + " P-256 key: " + e.getMessage());
        }
        Map<String, String> facts = request.keptFacts();
        return database.inTransaction(tx -> {
            ReaderStore.Provisioning provisioning = pendingProvisioning(tx, request.secret());
            String readerId = provisioning.readerId();
            if (!ReaderStore.useProvisioning(tx, provisioning.id(), clock.millis())) {
                throw GatehouseException.gone("provisioning_used", "this provisioning token was already used");
            }
            String credentialSecret = Ids.randomBase32(random, 32);
            ReaderStore.reenroll(tx, readerId, Ids.sha256(credentialSecret), spki);
            String doorId = ReaderStore.doorOf(tx, readerId).orElseThrow();
            AuditEvent.Builder event = AuditEvent.of("reader-provisioning:" + provisioning.id(), "reader.enroll",
                    client).subject("reader:" + readerId);
            facts.forEach(event::detail);
            audit.append(tx, event.success());
            return new Enrolled(readerId, doorId, Readers.PREFIX + readerId + "_" + credentialSecret,
                    keys.published(tx).stream().map(key -> new PublishedKey(key.keyId(),
                            Base64Url.encode(PublicKeys.toSpki(key.publicKey())))).toList(), serverUrl);
        });
    }

    /**
     * Builds and signs the reader's bundle; each build has a new, higher version and carries the configuration as it
     * is now, so a change reaches the reader with its next fetch: a revoked or erased visitor pass leaves it, and a
     * pass's count includes every entry counted so far (online, and offline entries already uploaded).
     *
     * @param pendingEvents the count of unacknowledged events the reader reported, if it did
     */
    public byte[] bundle(Readers.Reader reader, OptionalLong pendingEvents) {
        // A short write takes the version; the build itself only reads, so on SQLite it does not hold the single
        // write lock (scans would wait for it) while thousands of credentials are read and signed. The door's
        // revision is read before the build: a change in between makes the reader look stale until its next fetch,
        // never current with an old bundle.
        long version = database.inTransaction(tx -> ReaderStore.nextBundleVersion(tx, reader.id(),
                DoorStore.revision(tx, reader.doorId()), clock.millis(), pendingEvents));
        return database.readSnapshot(tx -> {
            Door door = DoorStore.door(tx, reader.doorId()).orElseThrow();
            long now = clock.instant().getEpochSecond();
            List<AccessRule> rules = DoorStore.rulesOfZone(tx, door.zoneId());
            // Every device of every user some rule of the zone names, revoked ones included (the reader must know).
            List<CredentialView> credentials = DeviceStore.credentialsOf(tx, DoorStore.usersNamedIn(door.zoneId()))
                    .stream().map(DeviceCredential::view).toList();
            List<CredentialId> revoked = credentials.stream().filter(c -> !c.credentialActive())
                    .map(CredentialView::id).toList();
            List<TrustedKey> trusted = keys.published(tx);
            BundleKeys.SigningKey signing = keys.signingKey(tx);
            ReaderBundle bundle = new ReaderBundle(version, now, now + door.maxBundleAgeSeconds(), reader.id(),
                    door.settings(), "fail_open".equals(door.offlineMode()) ? OfflineMode.FAIL_OPEN
                            : OfflineMode.FAIL_SECURE, trusted, credentials, revoked, rules,
                    mintingKeys.published(tx), passes.forBundle(tx, door.id(), door.zoneId(), clock.instant()));
            return BundleCodec.encode(bundle, signing.keyId(), signing.privateKey());
        });
    }

    /** Merges uploaded events into the audit log; see {@link EventUpload}. */
    EventUpload.Result upload(Readers.Reader reader, List<EventParser.Item> items, ClientInfo client) {
        return events.upload(reader, items, client);
    }
}
