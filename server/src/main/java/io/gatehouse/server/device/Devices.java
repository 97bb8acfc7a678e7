package io.gatehouse.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.codes.ManagedCodes;
import io.gatehouse.server.codes.OwnLink;
import io.gatehouse.server.codes.Purpose;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.user.PendingLinks;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Phones (and the software wallet) enrolled as door credentials.
 *
 * <p>An admin creates a single-use link that expires; the device generates its P-256 key pair and posts the public
 * key with its facts to the link. The server records the credential and how far it trusts the device. Without a
 * verified platform attestation that trust is {@code software}: an attestation a device sends is kept for the
 * record but not yet verified (see docs/security.md), so nothing here can claim hardware trust.
 */
public final class Devices {
    public static final String PATH = "/enroll/device/";
    static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_FACT_LENGTH = 100;
    private static final int MAX_ATTESTATION_LENGTH = 16 * 1024;

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final SecureRandom random;
    private final ManagedCodes codes;

    public Devices(Database database, AuditLog audit, UserService users, Clock clock, SecureRandom random,
            ManagedCodes codes) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
        this.random = random;
        this.codes = codes;
    }

    /** Active devices counted by kind and trust level, for the console's analytics. */
    public List<DeviceStore.KindAndTrust> activeCounts() {
        return database.read(DeviceStore::activeByKindAndTrust);
    }

    /** A new link; {@code token} exists only in this answer. */
    public record Link(String id, String token, Instant expiresAt) {
    }

    public Link createEnrollment(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            User user = users.lock(tx, userId);
            if (!user.active()) {
                throw GatehouseException.conflict("user_suspended", "user '" + user.username() + "' is suspended");
            }
            String id = Ids.newId(random, "denr");
            String token = Ids.randomBase32(random, 32);
            long expiresAt = clock.millis() + LINK_LIFETIME.toMillis();
            DeviceStore.insertEnrollment(tx, id, Ids.sha256(token), userId, by.actor(), clock.millis(), expiresAt);
            codes.adopt(tx, Purpose.DEVICE_ENROLLMENT, id, token, Optional.of(Instant.ofEpochMilli(expiresAt)),
                    by.actor());
            audit.append(tx, AuditEvent.of(by.actor(), "device.enrollment.create", client).user(userId)
                    .subject("device-enrollment:" + id).detail("expiresAt", Instant.ofEpochMilli(expiresAt).toString())
                    .success());
            return new Link(id, token, Instant.ofEpochMilli(expiresAt));
        });
    }

    /**
     * The enrollment links' side of their managed codes (one code per link: a passkey is enrolled through the same
     * link, opened at the passkey page): how a link ended, and its end when its code is revoked.
     */
    public OwnLink codeLinks() {
        return new OwnLink() {
            @Override
            public Optional<String> ended(ReadTx tx, String referenceId) {
                Optional<DeviceStore.Enrollment> link = DeviceStore.enrollmentById(tx, referenceId);
                if (link.isEmpty()) {
                    return Optional.of("erased");
                }
                if (!"pending".equals(link.get().status())) {
                    return Optional.of(link.get().status());
                }
                return clock.instant().isBefore(link.get().expiresAt()) ? Optional.empty() : Optional.of("expired");
            }

            @Override
            public void revoke(Tx tx, String referenceId, String actor, ClientInfo client) {
                Optional<DeviceStore.Enrollment> link = DeviceStore.enrollmentById(tx, referenceId);
                if (link.isPresent() && DeviceStore.revokeEnrollment(tx, referenceId, clock.millis())) {
                    audit.append(tx, AuditEvent.of(actor, "device.enrollment.end", client).user(link.get().userId())
                            .subject("device-enrollment:" + referenceId).reason("code_revoked").success());
                }
            }
        };
    }

    /** Whose device {@code deviceId} is. */
    public Optional<String> ownerOf(ReadTx tx, String deviceId) {
        return DeviceStore.owner(tx, deviceId);
    }

    /** Whether the user has an active passkey, with which they can sign in to the console. */
    public boolean hasActivePasskey(ReadTx tx, String userId) {
        return DeviceStore.hasActive(tx, userId, DeviceKind.PASSKEY);
    }

    /** Checks that a link is live, for the page that shows it; returns its expiry. */
    public Instant checkLink(String token) {
        return database.read(tx -> live(tx, token)).expiresAt();
    }

    /**
     * What a device posts to its link.
     *
     * @param publicKey base64url X.509 SubjectPublicKeyInfo of its P-256 key
     * @param device facts about the device, each cut to {@value #MAX_FACT_LENGTH} characters; may be null
     * @param attestation the platform's attestation, kept as sent and not yet verified; may be null
     */
    public record Enrollment(String publicKey, Facts device, JsonNode attestation) {
        public Enrollment {
            Fields.required("publicKey", publicKey, "a string");
            if (attestation != null && attestation.isNull()) {
                attestation = null;
            }
        }
    }

    /** The facts a device tells about itself. */
    public record Facts(String model, String os, String appVersion) {
        Facts truncated() {
            return new Facts(cut(model), cut(os), cut(appVersion));
        }

        private static String cut(String value) {
            return value == null ? null : Utf8.truncate(value, MAX_FACT_LENGTH);
        }
    }

    /** A device just enrolled. */
    public record Enrolled(String credentialId, String deviceId, String trust) {
    }

    /**
     * Enrolls a device through the link: 1 the link is live, 2 the public key is an uncompressed P-256 SPKI, 3 the
     * facts are short text; then the credential is stored and the link dies.
     */
    public Enrolled enroll(String token, Enrollment request, ClientInfo client) {
        byte[] spki;
        try {
            spki = Base64Url.decode(request.publicKey());
            PublicKeys.fromSpki(spki);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_public_key", "field 'publicKey' must be a base64url X.509"
                    + " SubjectPublicKeyInfo of a P-256 key: " + e.getMessage());
        }
        Facts facts = request.device() == null ? new Facts(null, null, null) : request.device().truncated();
        String attestation = request.attestation() == null ? null : request.attestation().toString();
        if (attestation != null && attestation.length() > MAX_ATTESTATION_LENGTH) {
            throw GatehouseException.invalid("invalid_field", "field 'attestation' is longer than "
                    + MAX_ATTESTATION_LENGTH + " characters");
        }
        DeviceTrust trust = DeviceTrust.SOFTWARE;
        return database.decide(tx -> {
            Pending link = live(tx, token);
            // The user's row lock orders this against a suspension, which ends the link.
            if (!users.lock(tx, link.userId()).active()) {
                throw GatehouseException.conflict("user_suspended", "the user of this link is suspended");
            }
            String deviceId = Ids.newId(random, "dev");
            CredentialId credentialId = CredentialId.random(random);
            if (!DeviceStore.useEnrollment(tx, link.id(), deviceId, clock.millis())) {
                throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
            }
            DeviceStore.insert(tx, new DeviceStore.NewDevice(deviceId, link.userId(), credentialId, DeviceKind.DEVICE_KEY,
                    spki, trust, facts.model(), facts.os(), facts.appVersion(), attestation, clock.millis()));
            AuditEvent.Builder event = AuditEvent.of("device-enrollment:" + link.id(), "device.enroll", client)
                    .user(link.userId()).subject("device:" + deviceId).detail("credential", credentialId.toString())
                    .detail("trust", trust.code()).detail("attestation", attestation == null ? "none"
                            : "present, not verified");
            detailIfPresent(event, "model", facts.model());
            detailIfPresent(event, "os", facts.os());
            detailIfPresent(event, "appVersion", facts.appVersion());
            audit.append(tx, event.success());
            return new Enrolled(credentialId.toString(), deviceId, trust.code());
        });
    }

    private static void detailIfPresent(AuditEvent.Builder event, String name, String value) {
        if (value != null) {
            event.detail(name, value);
        }
    }

    /** The door credential of the device {@code deviceId}, with its status and its user's. */
    public Optional<DeviceCredential> credentialOfDevice(String deviceId) {
        return database.read(tx -> DeviceStore.credentialOfDevice(tx, deviceId));
    }

    /** The first {@code limit} of a user's devices by enrollment time, read in {@code tx}; none for an unknown user. */
    public static List<Device> firstOf(ReadTx tx, String userId, int limit) {
        return Page.of(limit, null).slice(DeviceStore.page(tx, userId, Page.of(limit, null))).items();
    }

    /** One page of a user's devices by enrollment time. */
    public Page.Slice<Device> list(String userId, Page page) {
        return page.slice(database.read(tx -> {
            users.require(tx, userId);
            return DeviceStore.page(tx, userId, page);
        }));
    }

    /** Revokes one device, and ends the pending links of its user; its next scan is denied {@code revoked}. */
    public void revoke(String deviceId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            String userId = DeviceStore.owner(tx, deviceId).orElseThrow(() -> GatehouseException.notFound(
                    "device_not_found", "no device with id '" + deviceId + "'"));
            users.lock(tx, userId);
            if (!DeviceStore.revoke(tx, deviceId, clock.millis())) {
                return null; // already revoked: nothing changes, nothing to record
            }
            // A revoked device may be in other hands: links issued to its user before now end with it.
            PendingLinks.Ended links = users.endPendingLinks(tx, userId, "device_revoked", by.actor(), client);
            audit.append(tx, AuditEvent.of(by.actor(), "device.revoke", client).user(userId)
                    .subject("device:" + deviceId).detail("pendingTotpEnrollmentsEnded", links.totpEnrollments())
                    .detail("pendingDeviceEnrollmentsEnded", links.deviceEnrollments()).success());
            return null;
        });
    }

    /**
     * Revokes every active device of a person at once, for a person whose phones may all be in other hands: 1 the
     * user exists (else 404 {@code user_not_found}) and is locked; 2 each active device is revoked; 3 when any was,
     * the person's pending links end as for one revocation; 4 one {@code device.revoke_all} record lists them.
     * Revoking the devices of a person who has none active changes nothing and records nothing.
     *
     * @return the ids of the devices revoked
     */
    public List<String> revokeAll(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            users.lock(tx, userId);
            List<String> revoked = DeviceStore.activeIdsOf(tx, userId).stream()
                    .filter(deviceId -> DeviceStore.revoke(tx, deviceId, clock.millis())).toList();
            if (revoked.isEmpty()) {
                return revoked;
            }
            PendingLinks.Ended links = users.endPendingLinks(tx, userId, "device_revoked", by.actor(), client);
            audit.append(tx, AuditEvent.of(by.actor(), "device.revoke_all", client).user(userId)
                    .detail("devices", revoked).detail("pendingTotpEnrollmentsEnded", links.totpEnrollments())
                    .detail("pendingDeviceEnrollmentsEnded", links.deviceEnrollments()).success());
            return revoked;
        });
    }

    record Pending(String id, String userId, Instant expiresAt) {
    }

    /** The link {@code token} names, refused with its own reason when it is unknown, revoked, used or expired. */
    Pending live(ReadTx tx, String token) {
        if (token == null || token.length() > 128) {
            throw GatehouseException.notFound("enrollment_not_found", "no such device enrollment link");
        }
        DeviceStore.Enrollment link = DeviceStore.enrollment(tx, Ids.sha256(token)).orElseThrow(
                () -> GatehouseException.notFound("enrollment_not_found", "no such device enrollment link"));
        if ("revoked".equals(link.status())) {
            throw GatehouseException.gone("enrollment_revoked", "this device enrollment link was revoked (its user was"
                    + " suspended or a credential revoked); ask an administrator for a new one");
        }
        if (!"pending".equals(link.status())) {
            throw GatehouseException.gone("enrollment_used", "this device enrollment link was already used");
        }
        if (clock.millis() >= link.expiresAt().toEpochMilli()) {
            throw GatehouseException.gone("enrollment_expired", "this device enrollment link expired at "
                    + link.expiresAt());
        }
        return new Pending(link.id(), link.userId(), link.expiresAt());
    }
}
